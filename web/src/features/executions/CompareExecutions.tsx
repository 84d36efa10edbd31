import { lazy, Suspense, useEffect, useState } from 'react';
import { api, errorMessage, type CompareJob, type CompareRow, type Execution, type ExecutionComparison } from '../../shared/api';
import { CodeDiffView } from '../history/DiffView';
import { shortHash, visibleRows } from './compare';

const CompareMetrics = lazy(() => import('./CompareMetrics'));

/**
 * Two or more executions side by side: what differed in the run (pipeline, commit, seed, adapters), and job by
 * job in code (changed lines), attributes, inputs and outputs (sha256), environment and seed; then their metrics
 * overlaid. One execution: only its metrics.
 */
export default function CompareExecutions({ project, executions, onClose }: { project: string; executions: Execution[]; onClose: () => void }) {
  const [data, setData] = useState<ExecutionComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const ids = executions.map((e) => e.id).join(',');

  useEffect(() => {
    if (executions.length < 2) return;
    let stale = false;
    setData(null);
    setError(null);
    api.compareExecutions(project, ids.split(',')).then(
      (d) => !stale && setData(d),
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [project, ids]);

  const names = (data?.executions ?? executions).map((e) => e.name || e.id);
  return (
    <>
      {executions.length >= 2 && (
        <div className="card compare" data-testid="compare-executions">
          <div className="place-header">
            <h2>Comparing {executions.length} executions</h2>
            <label className="muted">
              <input type="checkbox" data-testid="compare-only-differences" checked={onlyDifferences}
                onChange={(e) => setOnlyDifferences(e.target.checked)} /> Only differences
            </label>
            <button className="secondary small" onClick={onClose}>Close</button>
          </div>
          {error && <p className="form-error" role="alert">{error}</p>}
          {!data && !error && <p className="muted">Comparing…</p>}
          {data && (
            <>
              <p data-testid="compare-verdict" className={data.firstDiverged ? 'compare-verdict differs' : 'compare-verdict'}>
                {data.firstDiverged
                  ? <>Outputs first differ at <strong>{data.firstDiverged}</strong>.</>
                  : '✓ Every job gave the same outputs (sha256).'}
              </p>
              <RowsTable caption="Run" names={names} rows={visibleRows(data.run, onlyDifferences)} testId="compare-run" />
              {data.jobs.map((j) => (
                <JobComparison key={j.key} job={j} names={names} onlyDifferences={onlyDifferences} />
              ))}
            </>
          )}
        </div>
      )}
      <Suspense fallback={<p className="muted">Loading charts…</p>}>
        <CompareMetrics executions={executions} onClose={onClose} />
      </Suspense>
    </>
  );
}

function JobComparison({ job, names, onlyDifferences }: { job: CompareJob; names: string[]; onlyDifferences: boolean }) {
  if (onlyDifferences && !job.differs) return null;
  const sections: [string, CompareRow[]][] = [
    ['Attributes', job.attributes],
    ['Inputs (sha256)', job.inputs],
    ['Outputs (sha256)', job.outputs],
    ['Environment', job.environment],
    ['Seed and status', [job.seed, job.status]],
  ];
  const changedCode = !job.code.same;
  return (
    <details className="compare-job" data-testid="compare-job" data-job={job.label} data-differs={job.differs} open={job.differs}>
      <summary>
        <strong>{job.label}</strong>{' '}
        {job.present.some((p) => !p) && <span className="badge">not in every execution</span>}{' '}
        {changedCode && <span className="badge" data-testid="compare-code-changed">code changed</span>}{' '}
        {!job.outputsSame && <span className="badge compare-differs">outputs differ</span>}
        {!job.differs && <span className="muted"> the same</span>}
      </summary>
      {sections.map(([caption, rows]) => {
        const shown = visibleRows(rows, onlyDifferences);
        return shown.length ? <RowsTable key={caption} caption={caption} names={names} rows={shown} hashes={caption.includes('sha256')} /> : null;
      })}
      {job.code.diffs.map((d, i) =>
        d ? (
          <CodeDiffView
            key={i}
            change={{ path: `${job.key}/${i}`, label: `${job.label}: ${names[job.present.indexOf(true)]} → ${names[i]}`, status: 'modified', ...d }}
          />
        ) : null,
      )}
    </details>
  );
}

function RowsTable({ caption, names, rows, hashes, testId }: { caption: string; names: string[]; rows: CompareRow[]; hashes?: boolean; testId?: string }) {
  if (rows.length === 0) return <p className="muted">{caption}: the same.</p>;
  return (
    <table className="table compact compare-table" data-testid={testId ?? 'compare-rows'} data-caption={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th />
          {names.map((n, i) => <th key={i}>{n}</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} data-testid="compare-row" data-name={r.name} data-same={r.same} className={r.same ? '' : 'differs'}>
            <th scope="row">{r.name}</th>
            {r.values.map((v, i) => (
              <td key={i} title={v ?? undefined}>{v === null ? <span className="muted">—</span> : hashes ? <code>{shortHash(v)}</code> : v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
