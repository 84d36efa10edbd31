import type { CompareRow } from '../../shared/api';

/** The rows to show: all, or only those whose values differ between the executions. */
export function visibleRows(rows: CompareRow[], onlyDifferences: boolean): CompareRow[] {
  return onlyDifferences ? rows.filter((r) => !r.same) : rows;
}

/** A sha256 short enough for a table cell (the whole one is its tooltip). */
export function shortHash(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? `${value.slice(0, 12)}…` : value;
}
