import { describe, expect, it } from 'vitest';
import { nodePorts } from './model';
import { typeAlternatives, typesCompatible } from './types';

// the same cases as ops' PipelineRulesTest.typesTheCheckKnowsMustAgreeAndUnknownClassesMayBeSubclasses
describe('typesCompatible', () => {
  it('refuses two different types the check knows and takes unknown classes as possible subclasses', () => {
    const cases: [string, string, boolean][] = [
      ['file', 'float', false],
      ['numpy.ndarray', 'torch.Tensor', false],
      ['List[int]', 'list', true],
      ['typing.List[int]', 'tuple', false],
      ['int', 'float', true],
      ['bool', 'int', true],
      ['float', 'int', false],
      ['float', 'Optional[float]', true],
      ['float', 'int | None', false],
      ['str', 'Union[int, str]', true],
      ['Optional[Any]', 'int', true],
      ["'nn.Module'", 'torch.nn.Module', true],
      ['MyNet', 'torch.nn.Module', true],
      ['torch.utils.data.Dataset', 'Dataset', true],
      ['Annotated[float, Range(0, 1)]', 'float', true],
      ['Sequence[int]', 'list', true],
      ['np.ndarray', 'numpy.ndarray', true],
    ];
    for (const [a, b, ok] of cases) expect([a, b, typesCompatible(a, b)]).toEqual([a, b, ok]);
    expect(typesCompatible(null, 'float')).toBe(true);
    expect(typesCompatible('file', undefined)).toBe(true);
    expect(typeAlternatives('Optional[Union[int, "numpy.ndarray"]]')).toEqual(['int', 'numpy.ndarray']);
  });

  it("gives an Input node its artifact's type, pickled artifacts none", () => {
    const parts = {
      operations: {},
      pipelines: {},
      artifacts: { a1: { name: 'notes.txt', type: 'file' }, a2: { name: 'blob', type: 'pickle' } },
    };
    expect(nodePorts({ input: { artifact: 'a1' } }, parts).outputs).toEqual([{ name: 'data', type: 'file' }]);
    expect(nodePorts({ input: { artifact: 'a2' } }, parts).outputs).toEqual([{ name: 'data', type: null }]);
    expect(nodePorts({ input: { artifact: 'a1' } }, { operations: {}, pipelines: {} }).outputs).toEqual([{ name: 'data', type: null }]);
  });
});
