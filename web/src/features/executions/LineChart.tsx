import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import type { Aligned } from './metrics';

const COLOURS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f59f00', '#0ca678', '#d6336c', '#495057'];

/** A uPlot line chart of aligned series (x = step); uPlot is loaded on first use. */
export function LineChart({ title, aligned, testid = 'metric-chart', height = 220 }: { title: string; aligned: Aligned; testid?: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = aligned.labels.join('\u0000');

  // (re)create when the set of series changes; otherwise just feed new data
  useEffect(() => {
    let gone = false;
    const el = box.current;
    if (!el || typeof window.matchMedia !== 'function') return; // jsdom: no canvas
    void import('uplot').then((mod) => {
      if (gone || !box.current) return;
      const UPlot = mod.default;
      const opts: uPlot.Options = {
        width: Math.max(240, el.clientWidth || 480),
        height,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, {}],
        series: [{ label: 'step' }, ...aligned.labels.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true }))],
      };
      plot.current?.destroy();
      plot.current = new UPlot(opts, aligned.data as uPlot.AlignedData, el);
    });
    return () => {
      gone = true;
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(aligned.data as uPlot.AlignedData);
  }, [aligned]);

  const points = aligned.data[0].length;
  return (
    <figure className="metric-chart" data-testid={testid} data-metric={title} data-points={points}>
      <figcaption>{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
