// A job's progress as a bar with rate and ETA: `progress` events (done of total, a label, the job's
// clock) folded into one state per job. The rate is measured from the first report of a run of
// reports (a report whose done falls back or whose total changes starts a new run: a new bar).

export interface ProgressEvent { done: number; total: number | null; label: string; time: number | string }

export interface ProgressState {
  done: number;
  /** null or 0: unknown (an indeterminate bar) */
  total: number | null;
  label: string;
  /** items per second since the run of reports began; null until two reports are apart in time */
  rate: number | null;
  /** seconds left at that rate; null when unknown */
  eta: number | null;
  /** where the rate is measured from */
  since: { done: number; time: number };
}

/** Seconds since the epoch from an event's time (seconds, or an ISO string). */
export function eventSeconds(time: number | string): number {
  if (typeof time === 'number') return time;
  const t = Date.parse(time);
  return Number.isNaN(t) ? Date.now() / 1000 : t / 1000;
}

/** The state after one more report. */
export function advanceProgress(prev: ProgressState | null, e: ProgressEvent): ProgressState {
  const time = eventSeconds(e.time);
  const total = e.total && e.total > 0 ? e.total : null;
  const restart = !prev || e.done < prev.done || total !== prev.total;
  const since = restart ? { done: e.done, time } : prev.since;
  const seconds = time - since.time;
  const rate = seconds > 0 && e.done > since.done ? (e.done - since.done) / seconds : restart ? null : prev.rate;
  const eta = rate && total !== null ? Math.max(0, (total - e.done) / rate) : null;
  return { done: e.done, total, label: e.label, rate, eta, since };
}

/** "12.3 it/s", "0.42 it/s", "3.1 s/it" (slow loops read better per item), "1.2k it/s". */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate) || rate <= 0) return '';
  if (rate < 0.1) return `${(1 / rate).toPrecision(2)} s/it`;
  if (rate >= 1000) return `${(rate / 1000).toFixed(1)}k it/s`;
  return `${rate >= 100 ? Math.round(rate) : Number(rate.toPrecision(3))} it/s`;
}

/** "ETA 0:42", "ETA 3:05", "ETA 1:02:03"; empty when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `ETA ${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** "37 %" of a known total; empty for an unknown one. */
export function formatPercent(state: ProgressState): string {
  return state.total ? `${Math.floor((100 * Math.min(state.done, state.total)) / state.total)} %` : '';
}
