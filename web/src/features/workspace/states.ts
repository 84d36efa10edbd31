// The states of sessions, cells and trainings drawn in the paper's status colours.

const AS_STATUS: Record<string, string> = {
  // sessions
  starting: 'queued',
  idle: 'success',
  busy: 'running',
  restarting: 'queued',
  dead: 'failed',
  stopped: 'cancelled',
  // cells
  queued: 'queued',
  running: 'running',
  ok: 'success',
  error: 'failed',
  aborted: 'cancelled',
  // trainings
  finished: 'success',
  failed: 'failed',
};

/** The execution status whose colour a session, cell or training state takes (unknown: pending). */
export function stateColour(state: string): string {
  return AS_STATUS[state] ?? 'pending';
}

/** Whether a session can still run cells. */
export function isLive(state: string): boolean {
  return state !== 'dead' && state !== 'stopped';
}
