import type { Json } from '../../shared/patch';
import '@xyflow/react/dist/style.css';
import { Background, Controls, ReactFlow, useNodesState, type Edge, type Node } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, type Execution, type ExecutionSince, type JobInfo, type ModelView, type RunVersion } from '../../shared/api';
import { durationBetween, formatTime, isActive } from './status';
import { toast } from '../../shared/notify';
import { nodeKind, nodePosition, nodeTitle, readPipeline, type Pipeline } from '../pipeline/model';
import { buildPath, navigate } from '../../shared/router';
import type { ExecutionMessage, WsClient } from '../../shared/ws';
import { JobNodeView, type JobFlowNode } from './JobNodeView';
import { JobPanel } from './JobPanel';
import { StatusChip } from './StatusChip';
import { DeleteExecutions } from './DeleteExecutions';
import { advanceProgress, type ProgressState } from './progress';

interface Props {
  project: string;
  branch?: string;
  executionId: string;
  ws: WsClient;
}

const NODE_TYPES = { job: JobNodeView };
const POLL_MS = 3000;

/**
 * Applies a live `job` message to the execution's job list. A running job makes a pending or queued
 * execution running at once (the server says so too, but the header must not wait for that).
 */
export function withJobStatus(e: Execution, msg: { job: string; status: string; message?: string | null }): Execution {
  const jobs = e.jobs ?? [];
  const known = jobs.some((j) => j.id === msg.job);
  const next = known
    ? jobs.map((j) => (j.id === msg.job ? { ...j, status: msg.status as JobInfo['status'], message: msg.message ?? j.message } : j))
    : [...jobs, { id: msg.job, operation: null, status: msg.status as JobInfo['status'], message: msg.message ?? null, started: null, finished: null }];
  const status = msg.status === 'running' && (e.status === 'pending' || e.status === 'queued') ? 'running' : e.status;
  return { ...e, status, jobs: next };
}

/** One execution: the job DAG coloured by status (live), cancel/rerun, and the job panel. */
export default function ExecutionView({ project, branch, executionId, ws }: Props) {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [model, setModel] = useState<ModelView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedJob, setSelectedJob] = useState<string | null>(null);
  const [since, setSince] = useState<ExecutionSince | null>(null);
  const [progress, setProgress] = useState<Record<string, ProgressState>>({});
  const [, tick] = useState(0);
  const commitRef = useRef<string | null>(null);

  const load = useCallback(async () => {
    try {
      const e = await api.getExecution(executionId);
      setExecution(e);
      setError(null);
      if (commitRef.current !== e.commit) {
        commitRef.current = e.commit;
        const m = await api.getModel(project, e.commit);
        setModel(m.model);
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [executionId, project]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(
    () =>
      ws.watch(executionId, (msg: ExecutionMessage) => {
        if (msg.type === 'job') setExecution((e) => (e ? withJobStatus(e, msg) : e));
        else if (msg.type === 'progress') setProgress((p) => ({ ...p, [msg.job]: advanceProgress(p[msg.job] ?? null, msg) }));
        else if (msg.type === 'execution') {
          setExecution((e) => (e ? { ...e, status: msg.status as Execution['status'] } : e));
          void load(); // finished time, final job messages
        } else if (msg.type === 'watching') void load(); // what happened before the watch began
      }),
    [ws, executionId, load],
  );

  const active = execution ? isActive(execution.status) : false;
  // a commit on the branch this ran from changes what "run again with the current code" runs: count them
  const [branchMoves, setBranchMoves] = useState(0);
  const runBranch = execution?.branch;
  useEffect(() => {
    if (!runBranch) return;
    return ws.subscribe(project, runBranch, (msg) => {
      if (msg.type === 'commit' || msg.type === 'resync' || msg.type === 'branch') setBranchMoves((n) => n + 1);
    });
  }, [ws, project, runBranch]);
  // which commits "run again" would use, and what changed since this run: when the run ends and whenever its branch moves
  useEffect(() => {
    if (active) return;
    let live = true;
    api.executionSince(executionId).then(
      (s) => live && setSince(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [executionId, active, branchMoves]);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      void load();
      tick((x) => x + 1);
    }, POLL_MS);
    return () => clearInterval(t);
  }, [active, load]);

  const pipeline: Pipeline = useMemo(() => readPipeline(execution && model ? model.pipelines?.[execution.pipeline] : undefined), [execution?.pipeline, model]); // eslint-disable-line react-hooks/exhaustive-deps
  const parts = useMemo(() => ({ operations: model?.operations ?? {}, pipelines: model?.pipelines ?? {} }), [model]);
  const jobs = useMemo(() => new Map((execution?.jobs ?? []).map((j) => [j.id, j])), [execution]);

  const nodes: JobFlowNode[] = useMemo(
    () =>
      Object.keys(pipeline.nodes)
        .sort()
        .map((id) => {
          const n = pipeline.nodes[id];
          const job = jobs.get(id);
          return {
            id,
            type: 'job',
            position: nodePosition(n),
            selected: id === selectedJob,
            draggable: false,
            connectable: false,
            data: {
              title: nodeTitle(n, parts),
              kind: nodeKind(n),
              status: job?.status ?? 'pending',
              message: job?.message ?? null,
              // a finished job's last report would only say where it stopped
              progress: job?.status === 'running' ? (progress[id] ?? null) : null,
            },
          };
        }),
    [pipeline, parts, jobs, selectedJob, progress],
  );
  // React Flow measures each node once; fresh node objects on every status update would drop those
  // measurements and leave the graph blank, so updates are merged into the nodes React Flow holds
  const [flowNodes, setFlowNodes, onNodesChange] = useNodesState<JobFlowNode>([]);
  useEffect(() => {
    setFlowNodes((previous) => {
      const byId = new Map(previous.map((p) => [p.id, p]));
      return nodes.map((n) => {
        const old = byId.get(n.id);
        return old ? { ...old, ...n, measured: old.measured, width: old.width, height: old.height } : n;
      });
    });
  }, [nodes, setFlowNodes]);
  const edges: Edge[] = useMemo(
    () =>
      Object.entries(pipeline.connections).flatMap(([cid, c]) =>
        c?.from?.node && c?.to?.node
          ? [{ id: cid, source: c.from.node, target: c.to.node, animated: jobs.get(c.to.node)?.status === 'running' }]
          : [],
      ),
    [pipeline, jobs],
  );

  const cancel = async () => {
    try {
      setExecution(await api.cancelExecution(executionId));
      toast('Execution cancelled', 'info');
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };
  const rerun = async (code: 'recorded' | 'current') => {
    try {
      const next = await api.rerunExecution(executionId, { code });
      navigate(buildPath({ page: 'workbench', project, branch: branch ?? next.branch, place: 'executions', id: next.id }));
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };

  if (error && !execution)
    return (
      <div className="empty-state" role="alert" data-testid="execution-error">
        <h2>Cannot open execution {executionId}</h2>
        <p>{error}</p>
      </div>
    );
  if (!execution) return <p className="muted loading">Loading the execution…</p>;

  const listPath = buildPath({ page: 'workbench', project, branch: branch ?? execution.branch, place: 'executions' });
  const job = selectedJob ? (jobs.get(selectedJob) ?? null) : null;
  const canDraw = typeof ResizeObserver !== 'undefined';

  return (
    <div className="execution-view" data-testid="execution-view" data-execution-id={executionId}>
      <div className="canvas-toolbar execution-header">
        <a href={listPath} onClick={(e) => { e.preventDefault(); navigate(listPath); }} className="muted">
          ← Executions
        </a>
        <h2>{execution.name || execution.id}</h2>
        <StatusChip status={execution.status} testid="execution-status" />
        <span className="muted small-text" title={execution.created}>
          {formatTime(execution.created)} · {durationBetween(execution.created, execution.finished)} · {execution.user} · <span data-testid="execution-placement">{placement(execution.compute, execution.storage)}</span> ·{' '}
          <span data-testid="execution-commit" title={execution.commit}>
            ran commit <code>{execution.commit.slice(0, 7)}</code>
            {since?.recorded.message && <> “{since.recorded.message}”</>}
          </span>
        </span>
        <span className="spacer" />
        <button className="secondary small danger-text" data-testid="cancel-execution" disabled={!active} onClick={() => void cancel()}>
          ■ Cancel
        </button>
        <DeleteExecutions project={project} ids={[executionId]} disabled={active} onDeleted={() => navigate(listPath)} />
      </div>
      <div className="rerun-bar">
        <button
          className="small"
          data-testid="rerun-current"
          disabled={active || (since !== null && since.current === null)}
          title={since?.current ? `Runs ${since.current.branch ?? ''} as it is now: ${versionText(since.current)}` : 'The branch this ran on is gone'}
          onClick={() => void rerun('current')}
        >
          ↻ Run again with the current code
          {since?.current && (
            <span className="button-note" data-testid="rerun-current-commit">
              {versionText(since.current)}
            </span>
          )}
        </button>
        <button
          className="secondary small"
          data-testid="rerun-execution"
          disabled={active}
          title={`Runs exactly what this execution ran: ${since ? versionText(since.recorded) : execution.commit.slice(0, 7)}`}
          onClick={() => void rerun('recorded')}
        >
          ↻ Rerun exactly
          <span className="button-note" data-testid="rerun-exact-commit">
            {since ? versionText(since.recorded) : execution.commit.slice(0, 7)}
          </span>
        </button>
      </div>
      {since && since.changed.length > 0 && (
        <div
          className={execution.status === 'failed' ? 'notice warning' : 'notice'}
          role={execution.status === 'failed' ? 'alert' : 'status'}
          data-testid="execution-changed-since"
        >
          {since.changed.map((c) => (
            <details key={`${c.kind}/${c.name}`} data-testid="changed-since-item" data-name={c.name}>
              <summary>
                <strong>{c.summary.charAt(0).toUpperCase() + c.summary.slice(1)}</strong>
                {execution.status === 'failed' && c.kind === 'operation' && ' — “Rerun exactly” runs the old version; “Run again with the current code” runs the new one.'}
              </summary>
              <ul>
                {c.changes.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            </details>
          ))}
        </div>
      )}
      <div className="execution-dag canvas">
        {canDraw ? (
          <ReactFlow<JobFlowNode, Edge>
            nodes={flowNodes}
            onNodesChange={onNodesChange}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodeClick={(_, n) => setSelectedJob(n.id)}
            onPaneClick={() => undefined}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            fitView
            fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
            minZoom={0.1}
            colorMode="system"
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        ) : (
          <ul className="job-list">
            {nodes.map((n: Node<JobFlowNode['data']>) => (
              <li key={n.id}>
                <button className="link-button" data-testid="job-node" data-job={n.id} data-status={n.data.status} onClick={() => setSelectedJob(n.id)}>
                  {n.data.title} ({n.data.status})
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {selectedJob && (
        <JobPanel
          key={selectedJob}
          executionId={executionId}
          jobId={selectedJob}
          job={job}
          title={pipeline.nodes[selectedJob] ? nodeTitle(pipeline.nodes[selectedJob], parts) : selectedJob}
          ws={ws}
          progress={job?.status === 'running' ? (progress[selectedJob] ?? null) : null}
          onClose={() => setSelectedJob(null)}
        />
      )}
    </div>
  );
}

/** "1a2b3c4 “Edit Train code (+1 −1 lines)”": a commit as the rerun buttons name it. */
function versionText(v: RunVersion): string {
  const message = v.message ? ` “${v.message.length > 60 ? v.message.slice(0, 59) + '…' : v.message}”` : '';
  return `${v.short}${message}`;
}

/** "on slurm (partition gpu), data in s3 (bucket lab)": where an execution ran and kept its artifacts. */
function placement(compute: Json, storage: Json): string {
  const c = compute && typeof compute === 'object' && !Array.isArray(compute) ? compute : {};
  const st = storage && typeof storage === 'object' && !Array.isArray(storage) ? storage : {};
  const where = typeof c.partition === 'string' && c.partition ? ` (partition ${c.partition})` : '';
  const bucket = typeof st.bucket === 'string' && st.bucket ? ` (bucket ${st.bucket})` : '';
  return `on ${typeof c.adapter === 'string' ? c.adapter : 'local'}${where}, data in ${typeof st.adapter === 'string' ? st.adapter : 'local'}${bucket}`;
}
