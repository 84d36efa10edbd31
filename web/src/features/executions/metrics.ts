// Metric series: live points merged into what was fetched, and several executions' series aligned on
// one step axis for uPlot (x values, then one y array per series with null where a series has no point).
import type { Metrics } from '../../shared/api';

/** One point; `time` is seconds since the epoch when the job logged it (when known). */
export interface Point { step: number; value: number; time?: number }
export type SeriesMap = Record<string, Point[]>;

/** The GET …/metrics answer as points; a missing step counts from the point's position. */
export function fromMetrics(m: Metrics | null | undefined): SeriesMap {
  const out: SeriesMap = {};
  for (const [name, rows] of Object.entries(m ?? {})) {
    if (!Array.isArray(rows)) continue;
    out[name] = [];
    for (const row of rows) addPoint(out, name, row[0], row[1], row[2]);
  }
  return out;
}

/** Adds one point in place (a repeated step replaces its value); returns the map. */
export function addPoint(series: SeriesMap, name: string, step: number | null | undefined, value: number, time?: number | string | null): SeriesMap {
  const pts = (series[name] ??= []);
  const s = typeof step === 'number' && Number.isFinite(step) ? step : pts.length ? pts[pts.length - 1].step + 1 : 0;
  const t = typeof time === 'number' ? time : typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? Date.parse(time) / 1000 : undefined;
  const point: Point = t === undefined ? { step: s, value } : { step: s, value, time: t };
  if (pts.length === 0 || pts[pts.length - 1].step < s) pts.push(point);
  else {
    const i = pts.findIndex((p) => p.step >= s);
    if (pts[i].step === s) pts[i] = point;
    else pts.splice(i, 0, point);
  }
  return series;
}

/** Points a chart asks for: two per pixel of its width (each bucket's minimum and maximum), within what the server allows. */
export function pointsFor(widthPx: number): number {
  return Math.min(100_000, Math.max(200, Math.round(2 * (widthPx || 480))));
}

/** `points` with those from `from` to `to` (steps, inclusive) replaced by `detail` (a finer fetch of that range). */
export function mergeRange(points: Point[], detail: Point[], from: number, to: number): Point[] {
  const before = points.filter((p) => p.step < from);
  const after = points.filter((p) => p.step > to);
  return [...before, ...detail.filter((p) => p.step >= from && p.step <= to), ...after];
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `weight` (0 = none, up to
 * 0.999), debiased so the first points are not pulled towards 0. Non-finite values pass through.
 */
export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    count++;
    return last / (1 - Math.pow(w, count));
  });
}

/** Whether every value can be drawn on a log scale (all above 0); a note says why not otherwise. */
export function logScaleProblem(series: NamedSeries[]): string | null {
  const bad = series.flatMap((s) => s.points).find((p) => !(p.value > 0));
  return bad ? `Log scale needs values above 0; ${bad.value} at step ${bad.step} is not.` : null;
}

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A chart's points as CSV: `step,time,value` (time in ISO 8601 UTC, empty when unknown); with several
 * series a first column `series` names each.
 */
export function metricsCsv(series: NamedSeries[]): string {
  const many = series.length > 1;
  const lines = [(many ? ['series', 'step', 'time', 'value'] : ['step', 'time', 'value']).join(',')];
  for (const s of series) {
    for (const p of s.points) {
      const time = p.time === undefined ? undefined : new Date(p.time * 1000).toISOString();
      const row = [csvField(p.step), csvField(time), csvField(p.value)];
      lines.push((many ? [csvField(s.label), ...row] : row).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export interface NamedSeries { label: string; points: Point[]; metric?: string }
export interface Aligned { labels: string[]; data: [number[], ...(number | null)[][]] }

/** Aligns several series on the union of their steps, sorted. */
export function alignSeries(series: NamedSeries[]): Aligned {
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const ys = series.map((s) => {
    const y: (number | null)[] = steps.map(() => null);
    for (const p of s.points) y[index.get(p.step)!] = p.value;
    return y;
  });
  return { labels: series.map((s) => s.label), data: [steps, ...ys] };
}

/** Groups series by metric name (in first-seen order), each group aligned for one chart. */
export function chartsByMetric(series: NamedSeries[]): { metric: string; series: NamedSeries[]; aligned: Aligned }[] {
  const groups = new Map<string, NamedSeries[]>();
  for (const s of series) {
    const m = s.metric ?? s.label;
    groups.set(m, [...(groups.get(m) ?? []), s]);
  }
  return [...groups.entries()].map(([metric, g]) => ({ metric, series: g, aligned: alignSeries(g) }));
}

/**
 * Compare: one series per execution per metric name. `runs` holds each execution's label and the
 * metrics of its jobs (job → metrics); a metric logged by several jobs gets the job in its label.
 */
export function compareSeries(runs: { label: string; jobs: Record<string, SeriesMap> }[]): NamedSeries[] {
  const out: NamedSeries[] = [];
  for (const run of runs) {
    const owners = new Map<string, string[]>();
    for (const [job, m] of Object.entries(run.jobs)) for (const name of Object.keys(m)) owners.set(name, [...(owners.get(name) ?? []), job]);
    for (const name of [...owners.keys()].sort()) {
      const jobs = owners.get(name)!;
      for (const job of jobs) {
        out.push({ label: jobs.length > 1 ? `${run.label} · ${job}.${name}` : `${run.label} · ${name}`, metric: name, points: run.jobs[job][name] });
      }
    }
  }
  return out;
}
