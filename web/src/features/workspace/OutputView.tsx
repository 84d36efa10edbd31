import { createElement, type ReactNode } from 'react';
import type { CellOutput } from '../../shared/api';
import { formatSize } from '../executions/status';
import { DescribeView } from './DescribeView';
import { showOutput, type Metric, type SafeNode } from './outputs';

function safe(nodes: SafeNode[]): ReactNode[] {
  return nodes.map((n, i) => (typeof n === 'string' ? n : createElement(n.tag, { key: i }, ...(n.tag === 'br' ? [] : safe(n.children)))));
}

/** One output of a cell: stream text, a result, a figure, sanitized HTML, an error with its traceback, or DeepForge's own kinds. */
export function OutputView({ output }: { output: CellOutput }) {
  const shown = showOutput(output);
  if (!shown) return null;
  switch (shown.kind) {
    case 'stream':
      return <pre className={`cell-stream cell-${shown.name}`} data-testid={`cell-${shown.name}`}>{shown.text}</pre>;
    case 'error':
      return (
        <div className="cell-error" data-testid="cell-error" role="alert">
          <strong>{shown.ename}</strong>: {shown.evalue}
          {shown.traceback.length > 0 && <pre className="cell-traceback">{shown.traceback.join('\n')}</pre>}
        </div>
      );
    case 'text':
      return (
        <div className="cell-result" data-testid="cell-result">
          {shown.executionCount != null && <span className="cell-count">Out[{shown.executionCount}]:</span>}
          <pre>{shown.text}</pre>
        </div>
      );
    case 'html':
      return <div className="cell-html" data-testid="cell-html">{safe(shown.nodes)}</div>;
    case 'image':
      return <img className="cell-image" data-testid="cell-image" src={shown.src} alt="figure" />;
    case 'describe':
      return <DescribeView describe={shown.describe} />;
    case 'metric':
      return <MetricLine metric={shown.metric} />;
    case 'training':
      return (
        <p className="cell-note" data-testid="cell-training">
          Training {shown.training}: {shown.state}
          {shown.epochs !== undefined && ` after ${shown.epochs} epoch${shown.epochs === 1 ? '' : 's'}`}
          {shown.error && <span className="form-error"> — {shown.error}</span>}
        </p>
      );
    case 'saved':
      return (
        <p className="cell-note" data-testid="cell-saved">
          Saved {shown.saved.variable ?? shown.saved.training ?? ''} as <strong>{shown.saved.output}</strong> ({shown.saved.type}, {formatSize(shown.saved.size)})
        </p>
      );
  }
}

function MetricLine({ metric }: { metric: Metric }) {
  return (
    <span className="cell-metric" data-testid="cell-metric">
      {metric.name} {Number.isFinite(metric.value) ? Number(metric.value.toPrecision(5)) : String(metric.value)} <span className="muted">(epoch {metric.epoch}, step {metric.step})</span>
    </span>
  );
}
