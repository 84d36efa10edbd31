import { useEffect, useState } from 'react';
import { api, errorMessage, type CodeChange, type Diff } from '../../shared/api';

const SINGULAR: Record<string, string> = {
  pipelines: 'pipeline',
  operations: 'operation',
  architectures: 'architecture',
  artifacts: 'artifact',
  utils: 'module',
  project: 'project',
};

/** What changed between two commits: things added/removed, fields by name, and code as changed lines. */
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
  const named = diff.named ?? [];
  const code = diff.code ?? [];
  return (
    <div className="diff" data-testid="diff-view">
      {diff.entities.length === 0 && diff.changes.length === 0 && <p className="muted">No changes.</p>}
      {diff.entities.length > 0 && (
        <ul className="diff-entities">
          {diff.entities.map((e) => (
            <li
              key={`${e.kind}/${e.id}`}
              data-testid="diff-entity"
              data-status={e.status}
              data-id={e.id}
              className={`status-${e.status}`}
              title={`${e.kind}/${e.id}`}
            >
              <span className="badge">{e.status}</span> {SINGULAR[e.kind] ?? e.kind} <strong>{e.name ?? e.id}</strong>
            </li>
          ))}
        </ul>
      )}
      {named.length > 0 && (
        <ul className="diff-named" data-testid="diff-named">
          {named.map((c, i) => (
            <li key={i} data-testid="diff-named-change" data-kind={c.kind} data-path={c.path} title={c.path}>
              {c.text}
            </li>
          ))}
        </ul>
      )}
      {code.map((c) => (
        <CodeDiffView key={c.path} change={c} />
      ))}
    </div>
  );
}

/** One piece of code as unified-diff hunks: removed lines red, added green, a little context around them. */
export function CodeDiffView({ change }: { change: CodeChange }) {
  return (
    <div className="code-diff" data-testid="diff-code" data-label={change.label} data-path={change.path}>
      <div className="code-diff-title">
        <strong>{change.label}</strong> code <span className="muted">{change.status}</span>{' '}
        <span className="diff-added">+{change.added}</span> <span className="diff-removed">−{change.removed}</span>
      </div>
      {change.hunks.map((h, i) => (
        <table className="code-diff-hunk" key={i}>
          <thead>
            <tr>
              <td colSpan={3} className="muted hunk-header">
                @@ −{h.oldStart},{h.oldCount} +{h.newStart},{h.newCount} @@
              </td>
            </tr>
          </thead>
          <tbody>
            {h.lines.map((l, j) => (
              <tr
                key={j}
                data-testid="diff-line"
                data-type={l.type === '+' ? 'added' : l.type === '-' ? 'removed' : 'context'}
                className={l.type === '+' ? 'line-added' : l.type === '-' ? 'line-removed' : 'line-context'}
              >
                <td className="line-no">{l.old ?? ''}</td>
                <td className="line-no">{l.new ?? ''}</td>
                <td>
                  <code>
                    {l.type === ' ' ? ' ' : l.type} {l.text}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
