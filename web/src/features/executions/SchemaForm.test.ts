import { describe, expect, it } from 'vitest';
import { humanize } from './SchemaForm';

describe('humanize', () => {
  it('turns configuration keys into labels', () => {
    expect(humanize('timeLimit')).toBe('Time limit');
    expect(humanize('extraSbatch')).toBe('Extra sbatch');
    expect(humanize('cpus')).toBe('Cpus');
    expect(humanize('path_style')).toBe('Path style');
  });
});
