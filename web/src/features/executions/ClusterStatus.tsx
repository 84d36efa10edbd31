import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../shared/api';
import type { Json } from '../../shared/patch';

/** What a cluster adapter reports: its partitions and nodes, and the caller's queued jobs, as tables. */
export function ClusterStatus({ adapter }: { adapter: string }) {
  const [status, setStatus] = useState<Record<string, Json> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => api.computeStatus(adapter).then((s) => live && setStatus(s)).catch((e) => live && setError(errorMessage(e)));
    void load();
    const timer = window.setInterval(load, 5000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [adapter]);
  if (error) return <p className="form-error" role="alert">{error}</p>;
  if (!status) return <p className="muted">Asking the cluster…</p>;
  return (
    <div className="cluster-status" data-testid="cluster-status">
      {Object.entries(status).map(([key, value]) => (
        <section key={key}>
          <h4>{key}</h4>
          {Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null ? (
            <Table rows={value as Record<string, Json>[]} />
          ) : Array.isArray(value) ? (
            <p className="muted">none</p>
          ) : (
            <p>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</p>
          )}
        </section>
      ))}
    </div>
  );
}

function Table({ rows }: { rows: Record<string, Json>[] }) {
  const columns = Array.from(new Set(rows.flatMap((r) => Object.keys(r))));
  return (
    <table className="status-table">
      <thead>
        <tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>{columns.map((c) => <td key={c}>{r[c] === undefined || r[c] === null ? '' : String(r[c])}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
