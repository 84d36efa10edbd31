import { describe, expect, it } from 'vitest';
import { shortHash, visibleRows } from './compare';

describe('comparing executions', () => {
  const rows = [
    { name: 'factor', same: false, values: ['10', '3'] },
    { name: 'python', same: true, values: ['3.11.2', '3.11.2'] },
  ];

  it('shows only the rows that differ unless asked for all', () => {
    expect(visibleRows(rows, true).map((r) => r.name)).toEqual(['factor']);
    expect(visibleRows(rows, false).map((r) => r.name)).toEqual(['factor', 'python']);
  });

  it('shortens sha256 values and leaves other values alone', () => {
    const sha = 'a'.repeat(64);
    expect(shortHash(sha)).toBe('aaaaaaaaaaaa…');
    expect(shortHash('3.0')).toBe('3.0');
  });
});
