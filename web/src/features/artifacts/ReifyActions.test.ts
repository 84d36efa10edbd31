import { describe, expect, it } from 'vitest';
import { suggestedBranch, verdictText } from './ReifyActions';

describe('reify actions', () => {
  it('suggests a branch name git accepts, from the artifact and its run', () => {
    expect(suggestedBranch('my model (v2)', 'e12ab')).toBe('reproduce-my-model-v2-e12ab');
    expect(suggestedBranch('x'.repeat(100), 'e1').length).toBeLessThanOrEqual(60);
  });

  it('says identical, or which job first diverged', () => {
    const base = { execution: 'e2', artifact: 'a1', status: 'success' };
    expect(verdictText({ ...base, verdict: 'identical' })).toBe('✓ identical');
    expect(verdictText({ ...base, verdict: 'differs', firstDivergedJob: 'n1', firstDivergedOperation: 'GetData' }))
      .toBe('✗ differs — first diverged at job n1 (GetData)');
    expect(verdictText({ ...base, verdict: 'running' })).toBe('Reproducing…');
  });
});
