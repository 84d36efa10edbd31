import { describe, expect, it } from 'vitest';
import { describePointer } from './FieldConflictDialog';

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
