// Opening an architecture from a link: the preload asks for its saved analysis with the model; the editor takes that
// answer (once, and only for the same architecture at the same commit) instead of asking again when it mounts.
import { afterEach, expect, it, vi } from 'vitest';
import { api } from '../../shared/api';
import type { Analysis } from './model';
import { arrivedSavedAnalysis, prefetchSavedAnalysis, savedAnalysis } from './savedAnalysis';

const answer = (parameters: number): Analysis => ({ shapes: { c1: [1, 8] }, layers: {}, parameters, errors: [] });

afterEach(() => {
  vi.restoreAllMocks();
});

it('the answer that came is the first render’s, once; then the editor asks anew', async () => {
  const ask = vi.spyOn(api, 'architectureAnalysis').mockImplementation(async () => answer(7));
  prefetchSavedAnalysis('p', 'net', 'c0ffee');
  expect(arrivedSavedAnalysis('p', 'net', 'c0ffee')).toBeUndefined(); // not yet come
  await Promise.resolve();
  await Promise.resolve();
  expect(arrivedSavedAnalysis('p', 'net', 'other-commit')).toBeUndefined();
  expect(arrivedSavedAnalysis('p', 'net', 'c0ffee')?.parameters).toBe(7);
  expect(arrivedSavedAnalysis('p', 'net', 'c0ffee')).toBeUndefined(); // taken
  expect(ask).toHaveBeenCalledTimes(1);
  await savedAnalysis('p', 'net', 'c0ffee');
  expect(ask).toHaveBeenCalledTimes(2);
});

it('a request still on its way is the one the editor waits for; another architecture or commit asks anew', async () => {
  let release: (a: Analysis) => void = () => {};
  const ask = vi.spyOn(api, 'architectureAnalysis').mockImplementation(
    (_p, id) => (id === 'net' ? new Promise<Analysis>((r) => (release = r)) : Promise.resolve(answer(1))),
  );
  prefetchSavedAnalysis('p', 'net', 'c1');
  expect((await savedAnalysis('p', 'other', 'c1')).parameters).toBe(1);
  const waited = savedAnalysis('p', 'net', 'c1');
  expect(ask).toHaveBeenCalledTimes(2); // the prefetch and the other architecture's
  release(answer(42));
  expect((await waited).parameters).toBe(42);
});

it('a failed prefetch is asked again, so the editor reports its own answer', async () => {
  const ask = vi
    .spyOn(api, 'architectureAnalysis')
    .mockImplementationOnce(() => Promise.reject(new Error('signed out')))
    .mockImplementationOnce(async () => answer(3));
  prefetchSavedAnalysis('p', 'net', 'c2');
  expect((await savedAnalysis('p', 'net', 'c2')).parameters).toBe(3);
  expect(ask).toHaveBeenCalledTimes(2);
});
