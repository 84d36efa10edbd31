import { useEffect, useMemo, useState } from 'react';
import { api, errorMessage, type Execution } from '../../shared/api';
import { chartsByMetric, compareSeries, fromMetrics, pointsFor, type SeriesMap } from './metrics';
import { LineChart } from './LineChart';
import { ChartControls, DEFAULT_CHART_SETTINGS } from './ChartControls';

interface Run { label: string; jobs: Record<string, SeriesMap> }

/** One chart per metric name, one series per selected execution (x = step). */
export default function CompareMetrics({ executions, onClose }: { executions: Execution[]; onClose: () => void }) {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [settings, setSettings] = useState(DEFAULT_CHART_SETTINGS);

  useEffect(() => {
    let stale = false;
    (async () => {
      const out: Run[] = [];
      for (const e of executions) {
        const full = await api.getExecution(e.id);
        const jobs: Record<string, SeriesMap> = {};
        for (const j of full.jobs ?? []) {
          const m = fromMetrics(await api.jobMetrics(e.id, j.id, { points: pointsFor(window.innerWidth) }).catch(() => ({})));
          if (Object.keys(m).length) jobs[j.id] = m;
        }
        out.push({ label: e.name || e.id, jobs });
      }
      if (!stale) setRuns(out);
    })().catch((e) => !stale && setError(errorMessage(e)));
    return () => {
      stale = true;
    };
  }, [executions]);

  const charts = useMemo(() => (runs ? chartsByMetric(compareSeries(runs)) : []), [runs]);

  return (
    <div className="card compare" data-testid="compare-panel">
      <div className="place-header">
        <h2>Metrics of {executions.length} execution{executions.length === 1 ? '' : 's'}</h2>
        <button className="secondary small" onClick={onClose}>Close</button>
      </div>
      {error && <p className="form-error">{error}</p>}
      {!runs && !error && <p className="muted">Loading metrics…</p>}
      {runs && charts.length === 0 && <p className="empty">The selected executions logged no metrics.</p>}
      {charts.length > 0 && <ChartControls value={settings} onChange={setSettings} />}
      <div className="chart-grid">
        {charts.map((c) => (
          <LineChart key={c.metric} title={c.metric} series={c.series} smoothing={settings.smoothing} log={settings.log} />
        ))}
      </div>
    </div>
  );
}
