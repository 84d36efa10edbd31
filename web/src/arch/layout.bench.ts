import { bench, describe } from 'vitest';
import { type Json } from '../patch';
import { layoutArchitecture } from './layout';
import { readArchitecture } from './model';

/** A chain of `n` layers with a skip connection into every tenth (an Add), as a ResNet-like drawing. */
function chain(n: number) {
  const layers: Record<string, Json> = {};
  const connections: Record<string, Json> = {};
  for (let i = 0; i < n; i++) {
    layers[`l${i}`] = { type: i % 10 === 0 ? 'Add' : 'Conv2d', arguments: {} };
    if (i > 0) connections[`k${i}`] = { from: { layer: `l${i - 1}` }, to: { layer: `l${i}`, input: 0 } };
    if (i % 10 === 0 && i >= 10) connections[`s${i}`] = { from: { layer: `l${i - 9}` }, to: { layer: `l${i}`, input: 1 } };
  }
  return readArchitecture({ layers, connections });
}

// bench/run layout: the baseline is the same layout of a tenth of the layers, in the same run
describe('architecture layout', () => {
  const small = chain(100);
  const big = chain(1000);
  bench('100 layers (baseline)', () => {
    layoutArchitecture(small);
  });
  bench('1,000 layers (target: under 2 s)', () => {
    layoutArchitecture(big);
  }, { iterations: 5 });
});
