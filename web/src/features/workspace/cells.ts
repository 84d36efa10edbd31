// The cells of a session as the console shows them: the history read page by page, kept up to date by the
// session's WebSocket messages (a cell queued, started or done; each output as it is produced).
import type { Cell } from '../../shared/api';
import type { SessionMessage } from '../../shared/ws';

const STAGE: Record<string, number> = { queued: 0, running: 1 };
const stage = (c: Cell) => STAGE[c.state] ?? 2;

/**
 * `cells` with `cell` put in its place (by index). A known cell never goes back (the answer to the POST that queued it
 * may come after the socket said it finished), and keeps the outputs it has when the news carries fewer (outputs
 * streamed in before the cell's own message did).
 */
export function upsertCell(cells: readonly Cell[], cell: Cell): readonly Cell[] {
  const i = cells.findIndex((c) => c.id === cell.id);
  if (i >= 0) {
    const old = cells[i];
    if (stage(cell) < stage(old)) return cells;
    const merged = cell.outputs.length >= old.outputs.length ? cell : { ...cell, outputs: old.outputs };
    return cells.map((c, k) => (k === i ? merged : c));
  }
  const at = cells.findIndex((c) => c.index > cell.index);
  return at < 0 ? [...cells, cell] : [...cells.slice(0, at), cell, ...cells.slice(at)];
}

/** The cells after one of the session's messages (other messages leave them as they are). */
export function applyCellMessage(cells: readonly Cell[], msg: SessionMessage): readonly Cell[] {
  if (msg.type === 'sessionCell') return upsertCell(cells, msg.cell);
  if (msg.type !== 'sessionOutput') return cells;
  const i = cells.findIndex((c) => c.id === msg.cell);
  if (i < 0) return cells; // its cell arrives with the output in it
  return cells.map((c, k) => (k === i ? { ...c, outputs: [...c.outputs, msg.output] } : c));
}

/** A cell that has not finished. */
export function isPending(cell: Cell): boolean {
  return cell.state === 'queued' || cell.state === 'running';
}
