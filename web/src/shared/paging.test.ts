import { describe, expect, it } from 'vitest';
import { mergeFirstPage, rowWindow } from './paging';

describe('rowWindow', () => {
  it('renders only the rows in view and a margin around them', () => {
    expect(rowWindow(0, 400, 40, 10_000, 5)).toEqual({ start: 0, end: 15, before: 0, after: (10_000 - 15) * 40 });
    const w = rowWindow(40 * 1000, 400, 40, 10_000, 5);
    expect(w).toEqual({ start: 995, end: 1015, before: 995 * 40, after: (10_000 - 1015) * 40 });
  });

  it('stays within the list however far it is scrolled', () => {
    expect(rowWindow(1e9, 400, 40, 30, 5)).toEqual({ start: 30, end: 30, before: 1200, after: 0 });
    expect(rowWindow(-50, 0, 40, 3)).toEqual({ start: 0, end: 3, before: 0, after: 0 });
  });
});

describe('mergeFirstPage', () => {
  type Row = { id: string; t: number };
  const id = (r: Row) => r.id;
  const newer = (a: Row, b: Row) => a.t > b.t;
  const rows = (...ts: number[]) => ts.map((t) => ({ id: `e${t}`, t }));

  it('puts a new execution on top and keeps the older rows already loaded, once each', () => {
    const merged = mergeFirstPage({ items: rows(9, 8, 7), next: 'c7' }, rows(8, 7, 6, 5, 4), 'c4', id, newer);
    expect(merged.items.map(id)).toEqual(['e9', 'e8', 'e7', 'e6', 'e5', 'e4']);
    expect(merged.next).toBe('c4');
  });

  it('takes the fresh page as it is when it holds everything or nothing older was loaded', () => {
    expect(mergeFirstPage({ items: rows(9, 8), next: null }, rows(8, 7), 'x', id, newer)).toEqual({ items: rows(9, 8), next: null });
    expect(mergeFirstPage({ items: rows(9, 8), next: 'c8' }, rows(9), 'c9', id, newer)).toEqual({ items: rows(9, 8), next: 'c8' });
  });
});
