import { describe, expect, it } from 'vitest';
import { conflictingFields, describePointer } from './FieldConflictDialog';

const model = {
  pipelines: { F8kVFcUH: { name: 'Train and score', nodes: { n1: { operation: 'Train', attributes: { epochs: 10 } } } } },
  architectures: { a1: { name: 'convnet', layers: { l2: { type: 'Conv2d', arguments: { out_channels: 8 } } } } },
  operations: { Scale: { code: '' } },
};

describe('describePointer', () => {
  it('names a node attribute by pipeline name, operation and attribute, never by ids', () => {
    expect(describePointer(model, '/pipelines/F8kVFcUH/nodes/n1/attributes/epochs')).toBe('Train and score ▸ Train ▸ epochs');
  });
  it('names a layer argument by architecture name and layer type', () => {
    expect(describePointer(model, '/architectures/a1/layers/l2/arguments/out_channels')).toBe('convnet ▸ Conv2d (l2) ▸ out_channels');
  });
  it('names an operation field and falls back to the path for unknown places', () => {
    expect(describePointer(model, '/operations/Scale/requirements')).toBe('Scale ▸ requirements');
    expect(describePointer(null, '/x/y')).toBe('x ▸ y');
  });
});

describe('conflictingFields', () => {
  const before = { pipelines: { p: { name: 'Train and score', nodes: { n1: { operation: 'Train', attributes: { epochs: 10, lr: 0.1 } } } } } };
  const edit = [
    { op: 'test' as const, path: '/pipelines/p/nodes/n1/attributes/epochs', value: 10 },
    { op: 'replace' as const, path: '/pipelines/p/nodes/n1/attributes/epochs', value: 20 },
    { op: 'test' as const, path: '/pipelines/p/nodes/n1/attributes/lr', value: 0.1 },
    { op: 'replace' as const, path: '/pipelines/p/nodes/n1/attributes/lr', value: 0.5 },
  ];
  it('lists every field someone else changed meanwhile, not only the one the server refused', () => {
    const now = { pipelines: { p: { name: 'Train and score', nodes: { n1: { operation: 'Train', attributes: { epochs: 12, lr: 0.01 } } } } } };
    const fields = conflictingFields(before, now, edit, '/pipelines/p/nodes/n1/attributes/epochs');
    expect(fields.map((f) => [f.label, f.theirs, f.yours])).toEqual([
      ['Train and score ▸ Train ▸ epochs', 12, 20],
      ['Train and score ▸ Train ▸ lr', 0.01, 0.5],
    ]);
  });
  it('leaves out a field whose check still holds', () => {
    const now = { pipelines: { p: { name: 'Train and score', nodes: { n1: { operation: 'Train', attributes: { epochs: 12, lr: 0.1 } } } } } };
    expect(conflictingFields(before, now, edit, '/pipelines/p/nodes/n1/attributes/epochs').map((f) => f.path)).toEqual([
      '/pipelines/p/nodes/n1/attributes/epochs',
    ]);
  });
});
