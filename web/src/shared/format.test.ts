import { describe, expect, it } from 'vitest';
import { brief, initials, isPythonIdentifier, randomId, relativeTime } from './format';

describe('format helpers', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('formats relative times', () => {
    expect(relativeTime('2026-01-10T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-01-10T11:58:00Z', now)).toBe('2 minutes ago');
    expect(relativeTime('2026-01-10T11:00:00Z', now)).toBe('1 hour ago');
    expect(relativeTime('2026-01-07T12:00:00Z', now)).toBe('3 days ago');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });
  it('makes ids, initials and briefs', () => {
    expect(randomId()).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('local')).toBe('LO');
    expect(brief('x'.repeat(100), 10)).toHaveLength(10);
    expect(brief(undefined)).toBe('(none)');
  });
  it('checks Python identifiers', () => {
    expect(isPythonIdentifier('Train_2')).toBe(true);
    expect(isPythonIdentifier('2Train')).toBe(false);
    expect(isPythonIdentifier('class')).toBe(false);
    expect(isPythonIdentifier('my-op')).toBe(false);
  });
});
