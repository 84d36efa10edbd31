import { useEffect, useState } from 'react';
import type { JobInfo } from '../../shared/api';
import { durationBetween } from './status';
import type { WsClient } from '../../shared/ws';
import { Console } from './Console';
import { MetricsTab } from './MetricsTab';
import { PlotsTab } from './PlotsTab';
import { StatusChip } from './StatusChip';

type Tab = 'console' | 'plots' | 'metrics';

interface Props {
  executionId: string;
  jobId: string;
  job: JobInfo | null;
  title: string;
  ws: WsClient;
  onClose: () => void;
}

/** The bottom drawer of one job: status message, console, plots and metrics. */
export function JobPanel({ executionId, jobId, job, title, ws, onClose }: Props) {
  const [tab, setTab] = useState<Tab>('console');
  const [progress, setProgress] = useState<{ done: number; total: number; label: string } | null>(null);
  useEffect(
    () => ws.watch(executionId, (m) => m.type === 'progress' && m.job === jobId && setProgress({ done: m.done, total: m.total, label: m.label })),
    [ws, executionId, jobId],
  );
  const status = job?.status ?? 'pending';
  const tabButton = (t: Tab, label: string) => (
    <button
      role="tab"
      aria-selected={tab === t}
      className={`tab${tab === t ? ' active' : ''}`}
      data-testid={`${t}-tab`}
      onClick={() => setTab(t)}
    >
      {label}
    </button>
  );
  return (
    <section className="job-panel" data-testid="job-panel" data-job={jobId} aria-label={`Job ${title}`}>
      <div className="job-panel-header">
        <strong>{title}</strong> <code className="muted">{jobId}</code>
        <StatusChip status={status} testid="job-status" />
        {job?.started && <span className="muted small-text">{durationBetween(job.started, job.finished)}</span>}
        {progress && progress.total > 0 && (
          <span className="job-progress" data-testid="job-progress">
            <progress max={progress.total} value={progress.done} /> {progress.label} {progress.done}/{progress.total}
          </span>
        )}
        <div className="tabs" role="tablist">
          {tabButton('console', 'Console')}
          {tabButton('plots', 'Plots')}
          {tabButton('metrics', 'Metrics')}
        </div>
        <span className="spacer" />
        <button className="secondary small" data-testid="job-panel-close" onClick={onClose} aria-label="Close the job panel">
          ✕
        </button>
      </div>
      {job?.message && (
        <p className={`job-message${status === 'failed' ? ' failed' : ''}`} data-testid="job-message" role={status === 'failed' ? 'alert' : undefined}>
          {job.message}
        </p>
      )}
      <div className="job-panel-body">
        {tab === 'console' && <Console executionId={executionId} jobId={jobId} ws={ws} status={status} />}
        {tab === 'plots' && <PlotsTab executionId={executionId} jobId={jobId} ws={ws} />}
        {tab === 'metrics' && <MetricsTab executionId={executionId} jobId={jobId} ws={ws} />}
      </div>
    </section>
  );
}
