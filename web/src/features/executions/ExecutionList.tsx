import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type Execution, type ModelView } from '../../shared/api';
import { durationBetween, formatTime, isActive } from './status';
import { buildPath } from '../../shared/router';
import type { WsClient } from '../../shared/ws';
import { entryLabel } from '../workbench/places';
import { Link } from '../../shared/components/Link';
import { StatusChip } from './StatusChip';
import { DeleteExecutions } from './DeleteExecutions';
import { RetentionPanel } from './RetentionPanel';

const CompareExecutions = lazy(() => import('./CompareExecutions'));

interface Props {
  project: string;
  branch?: string;
  model: ModelView;
  ws: WsClient;
}

const POLL_MS = 3000;

/** Executions newest first, live while any runs; select several to compare them (what differed, and their metrics). */
export function ExecutionList({ project, branch, model, ws }: Props) {
  const [list, setList] = useState<Execution[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [comparing, setComparing] = useState<Execution[] | null>(null);
  const [retention, setRetention] = useState(false);
  const [, tick] = useState(0);

  const load = useCallback(async () => {
    try {
      const l = await api.listExecutions(project);
      setList(Array.isArray(l) ? l : []);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [project]);

  useEffect(() => {
    void load();
  }, [load]);

  // watch the running ones: their job and execution messages refresh the list (at most every 300 ms)
  const running = (list ?? []).filter((e) => isActive(e.status)).map((e) => e.id);
  const runningKey = running.join(',');
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!runningKey) return;
    const refresh = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void load();
      }, 300);
    };
    const offs = runningKey.split(',').map((id) => ws.watch(id, (m) => (m.type === 'job' || m.type === 'execution') && refresh()));
    // and poll, for executions started elsewhere and in case the socket is down
    const poll = setInterval(() => {
      void load();
      tick((t) => t + 1);
    }, POLL_MS);
    return () => {
      offs.forEach((off) => off());
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [runningKey, ws, load]);

  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const pipelineName = (e: Execution) => (model.pipelines?.[e.pipeline] ? entryLabel(e.pipeline, model.pipelines[e.pipeline]) : e.pipeline);
  const open = (e: Execution) => buildPath({ page: 'workbench', project, branch: branch ?? e.branch, place: 'executions', id: e.id });

  return (
    <section className="place" data-testid="place-executions">
      <div className="place-header">
        <h2>Executions</h2>
        <button
          className="secondary"
          data-testid="compare-executions-button"
          disabled={selected.length === 0}
          // oldest first: the others are compared with the earliest
          onClick={() => setComparing((list ?? []).filter((e) => selected.includes(e.id)).sort((a, b) => a.created.localeCompare(b.created)))}
          title="What differed between the selected executions (code, attributes, inputs, environment, seed), and their metrics together"
        >
          Compare{selected.length ? ` (${selected.length})` : ''}
        </button>
        <DeleteExecutions project={project} ids={selected} onDeleted={() => { setSelected([]); void load(); }} />
        <button className="secondary small" data-testid="retention-button" onClick={() => setRetention(true)}>Retention…</button>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      {list === null ? (
        <p className="muted">Loading executions…</p>
      ) : list.length === 0 ? (
        <p className="empty" data-testid="executions-empty">No executions yet: open a pipeline and press Run (Shift-Enter).</p>
      ) : (
        <table className="table executions-table">
          <thead>
            <tr>
              <th className="actions-col"><span className="sr-only">Select</span></th>
              <th>Name</th>
              <th>Pipeline</th>
              <th>Status</th>
              <th>Started</th>
              <th>Duration</th>
              <th>User</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.id} data-testid="execution-row" data-execution-id={e.id} data-status={e.status}>
                <td>
                  <input
                    type="checkbox"
                    data-testid="execution-select"
                    aria-label={`Select ${e.name}`}
                    checked={selected.includes(e.id)}
                    onChange={() => toggle(e.id)}
                  />
                </td>
                <td>
                  <Link to={open(e)} data-testid="execution-open">{e.name || e.id}</Link>
                </td>
                <td>{pipelineName(e)}</td>
                <td><StatusChip status={e.status} /></td>
                <td title={e.created}>{formatTime(e.created)}</td>
                <td>{durationBetween(e.created, e.finished)}</td>
                <td>{e.user}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {retention && <RetentionPanel project={project} onClose={() => setRetention(false)} onApplied={() => void load()} />}
      {comparing && (
        <Suspense fallback={<p className="muted">Loading the comparison…</p>}>
          <CompareExecutions project={project} executions={comparing.slice(0, 8)} onClose={() => setComparing(null)} />
        </Suspense>
      )}
    </section>
  );
}
