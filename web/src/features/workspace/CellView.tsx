import { useMemo } from 'react';
import type { Cell, CellOutput } from '../../shared/api';
import { StatusChip } from '../executions/StatusChip';
import { OutputView } from './OutputView';
import { METRIC_MIME } from './training';
import { stateColour } from './states';

/** A training's metric points would fill the console: only the latest of each metric name is shown, after the other outputs. */
function shownOutputs(outputs: readonly CellOutput[]): CellOutput[] {
  const latest = new Map<string, CellOutput>();
  const rest: CellOutput[] = [];
  for (const o of outputs) {
    const m = o.kind === 'display' || o.kind === 'result' ? (o.data[METRIC_MIME] as { name?: unknown } | undefined) : undefined;
    if (m && typeof m === 'object' && typeof m.name === 'string') latest.set(m.name, o);
    else rest.push(o);
  }
  return [...rest, ...latest.values()];
}

/** One cell of the console: its prompt with the execution count, its code, and its outputs inline. */
export function CellView({ cell }: { cell: Cell }) {
  const outputs = useMemo(() => shownOutputs(cell.outputs), [cell.outputs]);
  return (
    <div className="cell" data-testid="cell" data-index={cell.index} data-state={cell.state} data-origin={cell.origin}>
      <div className="cell-input">
        <span className="cell-prompt" data-testid="cell-count">In [{cell.executionCount ?? (cell.state === 'queued' || cell.state === 'running' ? '*' : ' ')}]:</span>
        <pre className="cell-code">{cell.code}</pre>
        <StatusChip status={stateColour(cell.state)} label={cell.state} testid="cell-state" />
      </div>
      <div className="cell-outputs">
        {outputs.map((o, i) => <OutputView key={i} output={o} />)}
      </div>
    </div>
  );
}
