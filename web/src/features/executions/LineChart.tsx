import 'uplot/dist/uPlot.min.css';
import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { alignSeries, ema, logScaleProblem, metricsCsv, type Aligned, type NamedSeries } from './metrics';
import { fileName, saveBlob } from './figure';

const COLOURS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f59f00', '#0ca678', '#d6336c', '#495057'];

interface Props {
  title: string;
  series: NamedSeries[];
  /** EMA weight, 0 (none) … 0.999, as TensorBoard's slider */
  smoothing?: number;
  /** a log y axis (refused, with a note, when some value is not above 0) */
  log?: boolean;
  testid?: string;
  height?: number;
  /** called with the steps shown after a drag-zoom (whole steps, inclusive), to fetch them finer */
  onZoom?: (range: { from: number; to: number }) => void;
}

/** The series as uPlot draws them: with smoothing, each raw series faint and its smoothed line over it. */
export function chartData(series: NamedSeries[], smoothing: number): { aligned: Aligned; strokes: { label: string; colour: string; width: number }[] } {
  const raw = alignSeries(series);
  if (!(smoothing > 0)) {
    return { aligned: raw, strokes: raw.labels.map((label, i) => ({ label, colour: COLOURS[i % COLOURS.length], width: 1.5 })) };
  }
  const [steps, ...ys] = raw.data;
  const strokes = raw.labels.flatMap((label, i) => [
    { label: `${label} (raw)`, colour: `${COLOURS[i % COLOURS.length]}55`, width: 1 },
    { label, colour: COLOURS[i % COLOURS.length], width: 2 },
  ]);
  const data = [steps, ...ys.flatMap((y) => [y, ema(y, smoothing)])] as Aligned['data'];
  return { aligned: { labels: strokes.map((s) => s.label), data }, strokes };
}

/**
 * A uPlot line chart of metric series (x = step), loaded on first use: drag to zoom, double-click to
 * reset, optional smoothing and log scale, and its points as CSV.
 */
export function LineChart({ title, series, smoothing = 0, log = false, testid = 'metric-chart', height = 220, onZoom }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const zoomed = useRef(onZoom);
  zoomed.current = onZoom;
  const plot = useRef<uPlot | null>(null);
  const { aligned, strokes } = useMemo(() => chartData(series, smoothing), [series, smoothing]);
  const logProblem = useMemo(() => (log ? logScaleProblem(series) : null), [log, series]);
  const logOn = log && !logProblem;
  const shape = strokes.map((s) => s.label).join('\u0000');

  // (re)create when the set of series or the scale changes; otherwise just feed new data
  useEffect(() => {
    let gone = false;
    const el = box.current;
    if (!el || typeof window.matchMedia !== 'function') return; // jsdom: no canvas
    let observer: ResizeObserver | null = null;
    void import('uplot').then((mod) => {
      if (gone || !box.current) return;
      const UPlot = mod.default;
      const opts: uPlot.Options = {
        width: Math.max(240, el.clientWidth || 480),
        height,
        scales: { x: { time: false }, y: logOn ? { distr: 3 } : {} },
        axes: [{ label: 'step' }, {}],
        cursor: { drag: { x: true, y: false } },
        series: [{ label: 'step' }, ...strokes.map((s) => ({ label: s.label, stroke: s.colour, width: s.width, spanGaps: true }))],
        hooks: {
          setSelect: [
            (u) => {
              // a drag-zoom: the selected pixels as steps
              if (u.select.width < 2) return;
              const from = Math.ceil(u.posToVal(u.select.left, 'x'));
              const to = Math.floor(u.posToVal(u.select.left + u.select.width, 'x'));
              if (to > from) zoomed.current?.({ from, to });
            },
          ],
        },
      };
      plot.current?.destroy();
      const u = new UPlot(opts, aligned.data as uPlot.AlignedData, el);
      plot.current = u;
      if (typeof ResizeObserver !== 'undefined') {
        observer = new ResizeObserver(() => {
          const w = Math.max(240, el.clientWidth);
          if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
        });
        observer.observe(el);
      }
    });
    return () => {
      gone = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, logOn]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    // a zoomed-in view (the x scale narrower than the steps drawn so far) stays while points arrive
    const steps = u.data[0];
    const { min, max } = u.scales.x;
    const zoomed = steps.length > 1 && min !== undefined && max !== undefined && (min > steps[0] || max < steps[steps.length - 1]);
    u.setData(aligned.data as uPlot.AlignedData, !zoomed);
  }, [aligned]);

  const points = aligned.data[0].length;
  return (
    <figure className="metric-chart" data-testid={testid} data-metric={title} data-points={points} data-log={logOn} data-smoothing={smoothing}>
      <div className="plot-toolbar">
        <figcaption>{title}</figcaption>
        <span className="spacer" />
        <button type="button" className="secondary small" data-testid="metric-csv" title="Save the points as CSV (step, time, value)"
          onClick={() => saveBlob(new Blob([metricsCsv(series)], { type: 'text/csv' }), fileName(title, 'metric', 'csv'))}>
          ⬇ CSV
        </button>
      </div>
      {logProblem && (
        <p className="muted small-text" data-testid="metric-log-note">
          {logProblem} Shown on a linear scale.
        </p>
      )}
      <div ref={box} title="Drag to zoom, double-click to reset" />
    </figure>
  );
}
