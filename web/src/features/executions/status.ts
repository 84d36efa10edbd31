// Execution and job statuses: the paper's colours, what counts as still going, and durations.
import type { ExecStatus } from '../../shared/api';

export const STATUSES: readonly ExecStatus[] = ['pending', 'queued', 'running', 'success', 'failed', 'cancelled', 'skipped', 'cached'];

export interface StatusStyle {
  /** Fill colour (a CSS variable from styles.css). */
  fill: string;
  /** Border colour; cached is drawn as a green outline. */
  border: string;
  /** Text colour on the fill. */
  text: string;
  /** Dashed, muted look (skipped). */
  muted: boolean;
}

const STYLE: Record<ExecStatus, StatusStyle> = {
  pending: { fill: 'var(--st-pending)', border: 'var(--st-pending)', text: '#fff', muted: false },
  queued: { fill: 'var(--st-queued)', border: 'var(--st-queued)', text: '#1c2127', muted: false },
  running: { fill: 'var(--st-running)', border: 'var(--st-running)', text: '#1c2127', muted: false },
  success: { fill: 'var(--st-success)', border: 'var(--st-success)', text: '#fff', muted: false },
  failed: { fill: 'var(--st-failed)', border: 'var(--st-failed)', text: '#fff', muted: false },
  cancelled: { fill: 'var(--st-cancelled)', border: 'var(--st-cancelled)', text: '#fff', muted: false },
  cached: { fill: 'transparent', border: 'var(--st-success)', text: 'var(--text)', muted: false },
  skipped: { fill: 'transparent', border: 'var(--muted)', text: 'var(--muted)', muted: true },
};

/** How a status is drawn; an unknown status looks pending. */
export function statusStyle(status: string): StatusStyle {
  return STYLE[status as ExecStatus] ?? STYLE.pending;
}

/** Not finished yet: the UI keeps following it. */
export function isActive(status: string): boolean {
  return status === 'pending' || status === 'queued' || status === 'running';
}

/** "850 ms", "12 s", "3 min 05 s", "2 h 07 min"; empty when the start is unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Duration between two ISO times; an unfinished run counts up to `now`. */
export function durationBetween(start: string | null | undefined, end: string | null | undefined, now: number = Date.now()): string {
  if (!start) return '';
  const t0 = Date.parse(start);
  const t1 = end ? Date.parse(end) : now;
  if (Number.isNaN(t0) || Number.isNaN(t1)) return '';
  return formatDuration(t1 - t0);
}

/** A short local date and time for tables. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

/** Bytes in B, KB, MB, GB (1024-based). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
