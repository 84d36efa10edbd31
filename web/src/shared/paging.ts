import type { Page } from './api';

/** The rows of a windowed list worth rendering: [start, end) and the blank heights standing in for the rest. */
export interface RowWindow {
  start: number;
  end: number;
  before: number;
  after: number;
}

/**
 * Which of `count` rows of `rowHeight` pixels are in view when the list is scrolled by `scrollTop` in a viewport
 * `height` high, with `overscan` more on each side so that a fast scroll does not show blank space.
 */
export function rowWindow(scrollTop: number, height: number, rowHeight: number, count: number, overscan = 10): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + Math.ceil(Math.max(height, rowHeight) / rowHeight) + overscan));
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}

/**
 * The loaded list after the first page was read again: the fresh first page, then the older rows already loaded
 * (those `newer` does not put before the fresh page's last one), so a refresh neither drops what was scrolled to
 * nor shows an execution twice. The cursor stays the old one while older rows remain loaded.
 */
export function mergeFirstPage<T>(fresh: Page<T>, loaded: T[], loadedNext: string | null, id: (t: T) => string,
  newer: (a: T, b: T) => boolean): Page<T> {
  if (fresh.next === null || fresh.items.length === 0) return fresh;
  const last = fresh.items[fresh.items.length - 1];
  const seen = new Set(fresh.items.map(id));
  const older = loaded.filter((t) => !seen.has(id(t)) && newer(last, t));
  return older.length === 0 ? fresh : { items: [...fresh.items, ...older], next: loadedNext };
}
