import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LayerInspector } from './LayerInspector';
import { readArchitecture, type LayerSpec } from './model';

afterEach(cleanup);

const pca: LayerSpec = {
  name: 'PCA',
  category: 'Decomposition',
  module: 'sklearn.decomposition',
  role: 'transformer',
  estimatorType: 'transformer',
  inputs: 1,
  max_inputs: 1,
  outputs: 1,
  arguments: [
    { name: 'n_components', type: 'any', required: false, default: null },
    { name: 'svd_solver', type: 'choice', required: false, default: 'auto', choices: ['auto', 'full', 'arpack'] },
    { name: 'tol', type: 'float', required: false, default: 0 },
    { name: 'missing_values', type: 'any', required: false, default: null, defaultText: 'np.nan' },
    { name: 'max_features', type: 'int_or_float', required: false, default: 1, choices: ['sqrt', 'log2'] },
  ],
};

function inspect(args: Record<string, unknown> = {}) {
  const onArgument = vi.fn(async () => true);
  const arch = readArchitecture({ kind: 'sklearn-pipeline', layers: { l1: { type: 'PCA', arguments: args as never } }, connections: {} });
  render(
    <LayerInspector
      layerId="l1"
      arch={arch}
      spec={pca}
      analysed={{ output: [null, 20], parameters: 0 }}
      errors={[]}
      countsParameters={false}
      readOnly={false}
      onDraft={vi.fn()}
      onClearDraft={vi.fn()}
      onArgument={onArgument}
      onName={vi.fn(async () => true)}
      onSwapInputs={vi.fn()}
    />,
  );
  const field = (name: string) => document.querySelector(`[data-arg='${name}']`) as HTMLInputElement & HTMLSelectElement;
  return { onArgument, field };
}

describe('the inspector of an estimator', () => {
  it('names its module and kind, without parameter counts', () => {
    inspect();
    expect(screen.getByTestId('layer-origin').textContent).toContain('sklearn.decomposition');
    expect(screen.getByTestId('layer-inspector').textContent).toContain('[N, 20]');
    expect(screen.getByTestId('layer-inspector').textContent).not.toContain('parameters');
  });
  it('offers a choice as a select whose first option is the default', () => {
    const { onArgument, field } = inspect();
    const select = field('svd_solver');
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.text)).toEqual(['default (auto)', 'auto', 'full', 'arpack']);
    fireEvent.change(select, { target: { value: '1' } });
    expect(onArgument).toHaveBeenCalledWith('svd_solver', 'full');
    fireEvent.change(select, { target: { value: '-1' } });
    expect(onArgument).toHaveBeenLastCalledWith('svd_solver', undefined);
  });
  it('shows defaults, Python ones too, and suggests the choices of a typed argument', () => {
    const { onArgument, field } = inspect({ n_components: 20 });
    expect(field('n_components').value).toBe('20');
    expect(field('missing_values').placeholder).toBe('default: np.nan');
    expect(field('svd_solver').value).toBe('-1');
    const mf = field('max_features');
    expect(mf.placeholder).toBe('default: 1');
    expect([...(mf.list?.options ?? [])].map((o) => o.value)).toEqual(['sqrt', 'log2']);
    fireEvent.change(mf, { target: { value: 'sqrt' } });
    fireEvent.keyDown(mf, { key: 'Enter' });
    expect(onArgument).toHaveBeenCalledWith('max_features', 'sqrt');
  });
});
