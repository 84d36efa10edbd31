// Drawings for tests and benchmarks of the architecture editor.
import type { Json } from '../../shared/patch';
import { readArchitecture } from './model';

/** A chain of `n` layers with a skip connection into every tenth (an Add), as a ResNet-like drawing. */
export function chainArchitecture(n: number) {
  const layers: Record<string, Json> = {};
  const connections: Record<string, Json> = {};
  for (let i = 0; i < n; i++) {
    layers[`l${i}`] = { type: i % 10 === 0 ? 'Add' : 'Conv2d', arguments: {} };
    if (i > 0) connections[`k${i}`] = { from: { layer: `l${i - 1}` }, to: { layer: `l${i}`, input: 0 } };
    if (i % 10 === 0 && i >= 10) connections[`s${i}`] = { from: { layer: `l${i - 9}` }, to: { layer: `l${i}`, input: 1 } };
  }
  return readArchitecture({ layers, connections });
}
