// Picking the columns of an explored table to scatter: the choices come from the last description a cell showed
// (its `columns`), and a pick is x, y and an optional z, sent as the explore request's `columns`.
import type { Cell } from '../../shared/api';
import { showOutput } from './outputs';

/** Longest column name the server takes. */
export const MAX_COLUMN = 200;

/** A table described by a cell: the expression explored and the column names the server can be sent. */
export interface Table { expression: string; columns: string[] }
/** The picked x, y and z columns ('' for no z). */
export interface Pick { x: string; y: string; z: string }

/** The table of the last description `cell` showed, or null when it showed none with two or more usable columns. */
export function describedTable(cell: Cell | undefined): Table | null {
  const described = (cell?.outputs ?? []).map(showOutput).flatMap((s) => (s?.kind === 'describe' ? [s.describe] : []));
  const last = described[described.length - 1];
  if (!last || !Array.isArray(last.columns)) return null;
  const names = last.columns.filter((c): c is string => typeof c === 'string' && c.length > 0 && [...c].length <= MAX_COLUMN);
  const columns = [...new Set(names)];
  return columns.length >= 2 ? { expression: last.expression, columns } : null;
}

/** `pick` kept where its names are still columns of the table, else the first two columns as x and y, without z. */
export function keepPick(columns: readonly string[], pick: Pick): Pick {
  const has = (c: string) => columns.includes(c);
  if (has(pick.x) && has(pick.y) && (pick.z === '' || has(pick.z))) return pick;
  return { x: columns[0] ?? '', y: columns[1] ?? '', z: '' };
}

/** The `columns` of the explore request for a pick, or what to fix. */
export function pickedColumns(pick: Pick): { columns: string[] } | { error: string } {
  const columns = [pick.x, pick.y, ...(pick.z ? [pick.z] : [])];
  if (!pick.x || !pick.y) return { error: 'Pick the x and y columns' };
  if (new Set(columns).size !== columns.length) return { error: 'Pick a different column for each axis' };
  return { columns };
}
