import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Execution, type ExecutionFilter, type ModelView } from '../../shared/api';
import { durationBetween, formatTime, isActive } from './status';
import { buildPath } from '../../shared/router';
import type { WsClient } from '../../shared/ws';
import { entryLabel } from '../workbench/places';
import { Link } from '../../shared/components/Link';
import { usePagedList } from '../../shared/usePagedList';
import { useRowWindow } from '../../shared/useRowWindow';
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
/** Every row is this high (styles.css .executions-table), so the rows in view follow from the scroll position. */
const ROW_HEIGHT = 37;
/** Executions read per page. */
const PAGE = 50;
/** The statuses an execution can have, for the filter. */
const EXECUTION_STATUSES = ['pending', 'running', 'success', 'failed', 'cancelled'] as const;

const newer = (a: Execution, b: Execution) => a.created > b.created || (a.created === b.created && a.id > b.id);

/**
 * Executions newest first, filtered by pipeline, status and user, read a page at a time as the list is scrolled and
 * only the rows in view rendered; live while any runs; select several to compare them (what differed, and their metrics).
 */
export function ExecutionList({ project, branch, model, ws }: Props) {
  const [filter, setFilter] = useState<ExecutionFilter>({});
  const [userText, setUserText] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [comparing, setComparing] = useState<Execution[] | null>(null);
  const [retention, setRetention] = useState(false);
  const [, tick] = useState(0);
  const scroller = useRef<HTMLDivElement | null>(null);

  // a user name is applied once typing pauses
  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.user ?? '') === userText.trim() ? f : { ...f, user: userText.trim() || undefined }), 400);
    return () => clearTimeout(t);
  }, [userText]);

  const key = JSON.stringify([project, filter]);
  const fetchPage = useCallback((cursor: string | null) => api.listExecutions(project, filter, cursor, PAGE), [project, filter]);
  const merge = useMemo(() => ({ id: (e: Execution) => e.id, newer }), []);
  const { items: list, error, loading, loadMore, refresh, reload } = usePagedList(key, fetchPage, merge);
  const rows = useRowWindow(scroller, list?.length ?? 0, ROW_HEIGHT, loadMore);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  // watch the running ones: their job and execution messages refresh the list (at most every 300 ms)
  const running = (list ?? []).filter((e) => isActive(e.status)).map((e) => e.id);
  const runningKey = running.join(',');
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!runningKey) return;
    const soon = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void refresh();
      }, 300);
    };
    const offs = runningKey.split(',').map((id) => ws.watch(id, (m) => (m.type === 'job' || m.type === 'execution') && soon()));
    // and poll, for executions started elsewhere and in case the socket is down
    const poll = setInterval(() => {
      void refresh();
      tick((t) => t + 1);
    }, POLL_MS);
    return () => {
      offs.forEach((off) => off());
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [runningKey, ws, refresh]);

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
        <DeleteExecutions project={project} ids={selected} onDeleted={() => { setSelected([]); void reload(); }} />
        <button className="secondary small" data-testid="retention-button" onClick={() => setRetention(true)}>Retention…</button>
      </div>
      <div className="executions-filters" role="search">
        <label>
          Pipeline{' '}
          <select data-testid="executions-filter-pipeline" value={filter.pipeline ?? ''}
            onChange={(ev) => setFilter((f) => ({ ...f, pipeline: ev.target.value || undefined }))}>
            <option value="">all</option>
            {Object.entries(model.pipelines ?? {}).map(([id, pl]) => (
              <option key={id} value={id}>{entryLabel(id, pl)}</option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select data-testid="executions-filter-status" value={filter.status ?? ''}
            onChange={(ev) => setFilter((f) => ({ ...f, status: ev.target.value || undefined }))}>
            <option value="">all</option>
            {EXECUTION_STATUSES.map((st) => (
              <option key={st} value={st}>{st}</option>
            ))}
          </select>
        </label>
        <label>
          User{' '}
          <input data-testid="executions-filter-user" value={userText} placeholder="anyone" size={12}
            onChange={(ev) => setUserText(ev.target.value)} />
        </label>
        {loading && <span className="muted" data-testid="executions-loading">Loading…</span>}
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="executions-scroll" ref={scroller} data-testid="executions-scroll">
        {list === null ? (
          <p className="muted">Loading executions…</p>
        ) : list.length === 0 ? (
          <p className="empty" data-testid="executions-empty">
            {Object.values(filter).some(Boolean) ? 'No executions match these filters.' : 'No executions yet: open a pipeline and press Run (Shift-Enter).'}
          </p>
        ) : (
          <table className="table executions-table" data-testid="executions-table" data-rows={list.length}>
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
              {rows.before > 0 && <tr aria-hidden="true" style={{ height: rows.before }} />}
              {list.slice(rows.start, rows.end).map((e) => (
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
              {rows.after > 0 && <tr aria-hidden="true" style={{ height: rows.after }} />}
            </tbody>
          </table>
        )}
      </div>
      {retention && <RetentionPanel project={project} onClose={() => setRetention(false)} onApplied={() => void reload()} />}
      {comparing && (
        <Suspense fallback={<p className="muted">Loading the comparison…</p>}>
          <CompareExecutions project={project} executions={comparing.slice(0, 8)} onClose={() => setComparing(null)} />
        </Suspense>
      )}
    </section>
  );
}
