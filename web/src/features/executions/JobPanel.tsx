import { useEffect, useRef, useState } from 'react';
import type { JobInfo } from '../../shared/api';
import { durationBetween } from './status';
import type { WsClient } from '../../shared/ws';
import { Console } from './Console';
import { MetricsTab } from './MetricsTab';
import { PlotsTab } from './PlotsTab';
import { StatusChip } from './StatusChip';
import { ProgressBar } from './ProgressBar';
import type { ProgressState } from './progress';

type Tab = 'console' | 'plots' | 'metrics';

interface Props {
  executionId: string;
  jobId: string;
  job: JobInfo | null;
  title: string;
  ws: WsClient;
  /** the job's latest progress (ExecutionView follows it for the graph too) */
  progress: ProgressState | null;
  onClose: () => void;
}

const MIN_HEIGHT = 160;

/** The panel's height after dragging its top edge by `dy` pixels (up is negative), within the room there is. */
export function resizedHeight(start: number, dy: number, room: number): number {
  return Math.round(Math.max(MIN_HEIGHT, Math.min(Math.max(MIN_HEIGHT, room - 60), start - dy)));
}

/** The bottom drawer of one job: status message, console, plots and metrics. */
export function JobPanel({ executionId, jobId, job, title, ws, progress, onClose }: Props) {
  const [tab, setTab] = useState<Tab>('console');
  const [height, setHeight] = useState<number | null>(null);
  const [maximised, setMaximised] = useState(false);
  const panel = useRef<HTMLElement>(null);
  // dragging the top edge: the pointer is captured by the handle, so the drag survives leaving it
  const drag = useRef<{ y: number; height: number; room: number } | null>(null);
  useEffect(() => {
    if (!maximised) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !document.querySelector('[data-testid="figure-dialog"]') && setMaximised(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [maximised]);
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
    <section
      ref={panel}
      className={`job-panel${maximised ? ' maximised' : ''}`}
      data-testid="job-panel"
      data-job={jobId}
      data-maximised={maximised}
      aria-label={`Job ${title}`}
      style={!maximised && height !== null ? { height } : undefined}
    >
      {!maximised && (
        <div
          className="job-panel-resize"
          data-testid="job-panel-resize"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Drag to resize the job panel"
          onPointerDown={(e) => {
            const el = panel.current;
            if (!el) return;
            drag.current = { y: e.clientY, height: el.getBoundingClientRect().height, room: el.parentElement?.getBoundingClientRect().height ?? window.innerHeight };
            e.currentTarget.setPointerCapture?.(e.pointerId);
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d) setHeight(resizedHeight(d.height, e.clientY - d.y, d.room));
          }}
          onPointerUp={(e) => {
            drag.current = null;
            e.currentTarget.releasePointerCapture?.(e.pointerId);
          }}
          onPointerCancel={() => (drag.current = null)}
        />
      )}
      <div className="job-panel-header">
        <strong>{title}</strong> <code className="muted">{jobId}</code>
        <StatusChip status={status} testid="job-status" />
        {job?.started && <span className="muted small-text">{durationBetween(job.started, job.finished)}</span>}
        {progress && <ProgressBar state={progress} testid="job-progress" />}
        <div className="tabs" role="tablist">
          {tabButton('console', 'Console')}
          {tabButton('plots', 'Plots')}
          {tabButton('metrics', 'Metrics')}
        </div>
        <span className="spacer" />
        <button className="secondary small" data-testid="job-panel-maximise" aria-pressed={maximised} onClick={() => setMaximised((m) => !m)}
          title={maximised ? 'Back to the panel (Esc)' : 'Maximise the panel'} aria-label={maximised ? 'Restore the job panel' : 'Maximise the job panel'}>
          {maximised ? 'Restore' : 'Maximise'}
        </button>
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
