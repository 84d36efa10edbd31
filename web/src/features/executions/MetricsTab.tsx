import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../shared/api';
import { addPoint, fromMetrics, mergeRange, pointsFor, type SeriesMap } from './metrics';
import type { WsClient } from '../../shared/ws';
import { LineChart } from './LineChart';
import { ChartControls, DEFAULT_CHART_SETTINGS } from './ChartControls';

/** Points for charts in `grid`: about two per pixel of its width. */
function pointsIn(grid: HTMLElement | null): number {
  return pointsFor(grid?.clientWidth || window.innerWidth);
}

/**
 * One line chart per metric: fetched downsampled to about two points per pixel (each bucket's minimum and maximum, so
 * spikes stay), fetched finer for the steps a drag-zoom shows, and extended by live `metric` messages.
 */
export function MetricsTab({ executionId, jobId, ws }: { executionId: string; jobId: string; ws: WsClient }) {
  const [series, setSeries] = useState<SeriesMap>({});
  const [loaded, setLoaded] = useState(false);
  const [settings, setSettings] = useState(DEFAULT_CHART_SETTINGS);
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let stale = false;
    let early: { name: string; step: number | null; value: number; time: number | string }[] | null = [];
    api.jobMetrics(executionId, jobId, { points: pointsIn(grid.current) }).then(
      (m) => {
        if (stale) return;
        const s = fromMetrics(m);
        for (const p of early ?? []) addPoint(s, p.name, p.step, p.value, p.time);
        early = null;
        setSeries(s);
        setLoaded(true);
      },
      () => {
        early = null;
        if (!stale) setLoaded(true);
      },
    );
    const off = ws.watch(executionId, (m) => {
      if (m.type !== 'metric' || m.job !== jobId) return;
      if (early) early.push({ name: m.name, step: m.step, value: m.value, time: m.time });
      else setSeries((cur) => {
        const copy: SeriesMap = { ...cur, [m.name]: [...(cur[m.name] ?? [])] };
        return addPoint(copy, m.name, m.step, m.value, m.time);
      });
    });
    return () => {
      stale = true;
      off();
    };
  }, [ws, executionId, jobId]);

  // a drag-zoom: the zoomed steps of that series, fetched at the chart's resolution, replace the coarser points there
  const refine = useCallback(
    (name: string, { from, to }: { from: number; to: number }) => {
      api.jobMetrics(executionId, jobId, { points: pointsIn(grid.current), from, to }).then(
        (m) => {
          const detail = fromMetrics(m)[name];
          if (detail) setSeries((cur) => ({ ...cur, [name]: mergeRange(cur[name] ?? [], detail, from, to) }));
        },
        () => undefined, // the coarser points stay
      );
    },
    [executionId, jobId],
  );

  const charts = useMemo(
    () => Object.keys(series).sort().map((name) => ({ name, series: [{ label: name, points: series[name] }] })),
    [series],
  );
  return (
    <div>
      {charts.length > 0 && (
        <div className="plot-toolbar">
          <ChartControls value={settings} onChange={setSettings} />
          <span className="spacer" />
          <a className="button secondary small" data-testid="metrics-download" href={api.jobMetricsCsvUrl(executionId, jobId)} download
            title="Every point of every series at full resolution (name, step, value, time)">
            ⬇ All points (CSV)
          </a>
        </div>
      )}
      <div className="chart-grid" ref={grid}>
        {charts.length === 0 && <p className="muted">{loaded ? 'No metrics logged yet.' : 'Loading metrics…'}</p>}
        {charts.map((c) => (
          <LineChart key={c.name} title={c.name} series={c.series} smoothing={settings.smoothing} log={settings.log}
            onZoom={(range) => refine(c.name, range)} />
        ))}
      </div>
    </div>
  );
}
