import { useEffect, useMemo, useState } from 'react';
import { api } from '../../shared/api';
import { addPoint, fromMetrics, type SeriesMap } from './metrics';
import type { WsClient } from '../../shared/ws';
import { LineChart } from './LineChart';
import { ChartControls, DEFAULT_CHART_SETTINGS } from './ChartControls';

/** One line chart per metric: fetched, then extended by live `metric` messages. */
export function MetricsTab({ executionId, jobId, ws }: { executionId: string; jobId: string; ws: WsClient }) {
  const [series, setSeries] = useState<SeriesMap>({});
  const [loaded, setLoaded] = useState(false);
  const [settings, setSettings] = useState(DEFAULT_CHART_SETTINGS);
  useEffect(() => {
    let stale = false;
    let early: { name: string; step: number | null; value: number; time: number | string }[] | null = [];
    api.jobMetrics(executionId, jobId).then(
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

  const charts = useMemo(
    () => Object.keys(series).sort().map((name) => ({ name, series: [{ label: name, points: series[name] }] })),
    [series],
  );
  return (
    <div>
      {charts.length > 0 && <ChartControls value={settings} onChange={setSettings} />}
      <div className="chart-grid">
        {charts.length === 0 && <p className="muted">{loaded ? 'No metrics logged yet.' : 'Loading metrics…'}</p>}
        {charts.map((c) => (
          <LineChart key={c.name} title={c.name} series={c.series} smoothing={settings.smoothing} log={settings.log} />
        ))}
      </div>
    </div>
  );
}
