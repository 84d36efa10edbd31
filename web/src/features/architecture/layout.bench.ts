import { bench, describe } from 'vitest';
import { layoutArchitecture } from './layout';
import { chainArchitecture as chain } from './fixtures';

// bench/run layout: the baseline is the same layout of a tenth of the layers, in the same run
describe('architecture layout', () => {
  const small = chain(100);
  const big = chain(1000);
  bench('100 layers (baseline)', async () => {
    await layoutArchitecture(small);
  });
  bench('1,000 layers (target: under 2 s)', async () => {
    await layoutArchitecture(big);
  }, { iterations: 5 });
});
