import { describe, expect, it } from 'vitest';
import { humanize, secretOption } from './SchemaForm';

describe('humanize', () => {
  it('turns configuration keys into labels', () => {
    expect(humanize('timeLimit')).toBe('Time limit');
    expect(humanize('extraSbatch')).toBe('Extra sbatch');
    expect(humanize('cpus')).toBe('Cpus');
    expect(humanize('path_style')).toBe('Path style');
  });
});

describe('secretOption', () => {
  it('finds the option that names a stored secret of a kind', () => {
    const schema = {
      type: 'object',
      properties: { bucket: { type: 'string' }, credentials: { type: 'string', 'x-secret-kind': 's3' } },
    };
    expect(secretOption(schema, 's3')).toBe('credentials');
    expect(secretOption(schema, 'token')).toBeUndefined();
    expect(secretOption(undefined, 's3')).toBeUndefined();
  });
});
