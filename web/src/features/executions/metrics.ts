// Metric series: live points merged into what was fetched, and several executions' series aligned on
// one step axis for uPlot (x values, then one y array per series with null where a series has no point).
import type { Metrics } from '../../shared/api';

export interface Point { step: number; value: number }
export type SeriesMap = Record<string, Point[]>;

/** The GET …/metrics answer as points; a missing step counts from the point's position. */
export function fromMetrics(m: Metrics | null | undefined): SeriesMap {
  const out: SeriesMap = {};
  for (const [name, rows] of Object.entries(m ?? {})) {
    if (!Array.isArray(rows)) continue;
    out[name] = [];
    for (const row of rows) addPoint(out, name, row[0], row[1]);
  }
  return out;
}

/** Adds one point in place (a repeated step replaces its value); returns the map. */
export function addPoint(series: SeriesMap, name: string, step: number | null | undefined, value: number): SeriesMap {
  const pts = (series[name] ??= []);
  const s = typeof step === 'number' && Number.isFinite(step) ? step : pts.length ? pts[pts.length - 1].step + 1 : 0;
  if (pts.length === 0 || pts[pts.length - 1].step < s) pts.push({ step: s, value });
  else {
    const i = pts.findIndex((p) => p.step >= s);
    if (pts[i].step === s) pts[i] = { step: s, value };
    else pts.splice(i, 0, { step: s, value });
  }
  return series;
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
export function chartsByMetric(series: NamedSeries[]): { metric: string; aligned: Aligned }[] {
  const groups = new Map<string, NamedSeries[]>();
  for (const s of series) {
    const m = s.metric ?? s.label;
    groups.set(m, [...(groups.get(m) ?? []), s]);
  }
  return [...groups.entries()].map(([metric, g]) => ({ metric, aligned: alignSeries(g) }));
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
