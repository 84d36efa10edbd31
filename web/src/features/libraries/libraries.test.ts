import { describe, expect, it } from 'vitest';
import type { LibraryInfo } from '../../shared/api';
import { addableLibraries, describeUses, projectKinds, projectLibraryIds } from './libraries';

const lib = (id: string, name: string, kinds: string[]): LibraryInfo => ({
  id,
  name,
  version: '1.0.0',
  versions: ['1.0.0'],
  description: '',
  kinds: kinds.map((k) => ({ id: k, name: `${k} kind`, description: '', template: { layers: {} } })),
  operations: [],
  examples: [],
  requirements: [],
});
const server = [lib('sklearn', 'scikit-learn', ['sklearn-pipeline']), lib('pytorch', 'PyTorch', ['pytorch']), lib('xgb', 'XGBoost', [])];

describe('the libraries of a project', () => {
  it('are those project.json names, or PyTorch for a project made before libraries', () => {
    expect(projectLibraryIds({ name: 'x', libraries: { sklearn: '1.0.0' } })).toEqual(['sklearn']);
    expect(projectLibraryIds({ name: 'x' })).toEqual(['pytorch']);
    expect(projectLibraryIds(undefined)).toEqual(['pytorch']);
  });
  it('draw the kinds of their libraries, PyTorch first, with the library named', () => {
    const kinds = projectKinds({ libraries: { sklearn: '1.0.0', pytorch: '1.0.0' } }, server);
    expect(kinds.map((k) => [k.id, k.libraryName])).toEqual([
      ['pytorch', 'PyTorch'],
      ['sklearn-pipeline', 'scikit-learn'],
    ]);
    expect(projectKinds({ libraries: { gone: '1' } }, server)).toEqual([]);
  });
  it('can add the server libraries they lack, by name', () => {
    expect(addableLibraries(server, ['pytorch']).map((l) => l.id)).toEqual(['sklearn', 'xgb']);
  });
});

describe('what uses a library', () => {
  it('names architectures, pipeline nodes and operations', () => {
    expect(
      describeUses([
        { kind: 'architecture', id: 'a1', name: 'digits', architectureKind: 'sklearn-pipeline' },
        { kind: 'node', name: 'FitEstimator', pipeline: 'p1', pipelineName: 'Train', node: 'n1' },
        { kind: 'operation', name: 'Score', imports: ['sklearn', 'joblib'] },
        'something',
      ]),
    ).toEqual(['architecture "digits"', 'pipeline "Train" node n1 runs FitEstimator', 'operation Score imports sklearn, joblib', 'something']);
    expect(describeUses(undefined)).toEqual([]);
  });
});
