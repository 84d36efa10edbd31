import { describe, expect, it } from 'vitest';
import type { Cell, CellOutput } from '../../shared/api';
import { describedTable, keepPick, pickedColumns } from './columns';
import { DESCRIBE_MIME } from './outputs';

const described = (description: Record<string, unknown>): CellOutput => ({ kind: 'display', data: { [DESCRIBE_MIME]: { preview: '', type: 'dict', ...description } } });
const cell = (outputs: CellOutput[]): Cell => ({
  id: 'c', index: 1, code: '', origin: 'explore', state: 'ok', executionCount: null, outputs, created: '2026-01-01T00:00:00Z', finished: null,
});

describe('picking the columns of a table to scatter', () => {
  it('offers the columns of the last description, distinct and short enough to send', () => {
    const table = describedTable(cell([
      described({ expression: 'old', columns: ['p', 'q'] }),
      { kind: 'stream', name: 'stdout', text: 'hi' },
      described({ expression: 't', columns: ['a', 'b', 'a', '', 'x'.repeat(201), 'c'] }),
    ]));
    expect(table).toEqual({ expression: 't', columns: ['a', 'b', 'c'] });
  });

  it('offers nothing without a description of a table of at least two columns', () => {
    expect(describedTable(undefined)).toBeNull();
    expect(describedTable(cell([described({ expression: 'x', shape: [3] })]))).toBeNull();
    expect(describedTable(cell([described({ expression: 't', columns: ['only'] })]))).toBeNull();
  });

  it('keeps a pick while its columns exist, else starts from the first two', () => {
    const pick = { x: 'c', y: 'a', z: 'b' };
    expect(keepPick(['a', 'b', 'c'], pick)).toBe(pick);
    expect(keepPick(['a', 'b'], pick)).toEqual({ x: 'a', y: 'b', z: '' });
    expect(keepPick(['u', 'v', 'w'], { x: 'a', y: 'b', z: '' })).toEqual({ x: 'u', y: 'v', z: '' });
  });

  it('sends two or three distinct columns, z only when picked', () => {
    expect(pickedColumns({ x: 'a', y: 'c', z: '' })).toEqual({ columns: ['a', 'c'] });
    expect(pickedColumns({ x: 'a', y: 'c', z: 'b' })).toEqual({ columns: ['a', 'c', 'b'] });
    expect(pickedColumns({ x: 'a', y: 'a', z: '' })).toHaveProperty('error');
    expect(pickedColumns({ x: 'a', y: 'b', z: 'a' })).toHaveProperty('error');
    expect(pickedColumns({ x: '', y: 'b', z: '' })).toHaveProperty('error');
  });
});
