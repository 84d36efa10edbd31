import { useEffect, useState } from 'react';
import { api, errorMessage, type Diff } from '../api';
import { brief } from '../format';

/** Entities and field changes between two commits. */
export function DiffView({ project, from, to }: { project: string; from: string; to: string }) {
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setDiff(null);
    setError(null);
    api.diff(project, from, to).then(
      (d) => live && setDiff(d),
      (e) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [project, from, to]);

  if (error) return <p className="form-error" data-testid="diff-error">{error}</p>;
  if (!diff) return <p className="muted">Loading diff…</p>;
  return (
    <div className="diff" data-testid="diff-view">
      {diff.entities.length === 0 && diff.changes.length === 0 && <p className="muted">No changes.</p>}
      {diff.entities.length > 0 && (
        <ul className="diff-entities">
          {diff.entities.map((e) => (
            <li key={`${e.kind}/${e.id}`} data-testid="diff-entity" data-status={e.status} className={`status-${e.status}`}>
              <span className="badge">{e.status}</span> {e.kind} <code>{e.id}</code>
            </li>
          ))}
        </ul>
      )}
      {diff.changes.length > 0 && (
        <table className="table compact">
          <tbody>
            {diff.changes.map((c, i) => (
              <tr key={i} data-testid="diff-change" data-op={c.op}>
                <td className={`op op-${c.op}`}>{c.op}</td>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>
                  {c.op !== 'add' && <del title={JSON.stringify(c.from)}>{brief(c.from, 60)}</del>}
                  {c.op === 'replace' && ' → '}
                  {c.op !== 'remove' && <ins title={JSON.stringify(c.to)}>{brief(c.to, 60)}</ins>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
