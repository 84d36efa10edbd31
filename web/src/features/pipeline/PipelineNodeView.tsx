import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { IfacePort, ObservedType, Problem } from '../../shared/api';
import { outputLabel } from '../../shared/observedTypes';
import { nodeWidth } from './layout';
import type { NodeKind } from './model';

export interface NodeViewData extends Record<string, unknown> {
  title: string;
  kind: NodeKind;
  operation?: string;
  inputs: IfacePort[];
  outputs: IfacePort[];
  /** One line about the node's settings (attributes, artifact, save name). */
  summary: string;
  problems: Problem[];
  /** The types the outputs had in the operation's last successful run, by output name (shown for untyped outputs). */
  observed?: Record<string, ObservedType>;
}

export type PipelineFlowNode = Node<NodeViewData, 'df'>;

const portTitle = (p: IfacePort) => `${p.name}: ${p.type ?? 'any type'}`;
/** Spreads n handles evenly across the node's width. */
const spread = (i: number, n: number) => `${((i + 1) / (n + 1)) * 100}%`;
/** A port label never runs into its neighbour: at most the distance between two handles, then an ellipsis. */
const labelStyle = (i: number, n: number) => ({ left: spread(i, n), maxWidth: `calc(${100 / (n + 1)}% - 6px)` });

/** One pipeline node: inputs on top, outputs at the bottom, problems as a red badge. */
export function PipelineNodeView({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const { inputs, outputs, problems } = data;
  return (
    <div
      className={`df-node df-node-${data.kind}${selected ? ' selected' : ''}${problems.length ? ' has-problems' : ''}`}
      data-testid="pipeline-node"
      data-node-id={id}
      data-operation={data.operation ?? ''}
      data-kind={data.kind}
      style={{ minWidth: nodeWidth(inputs, outputs), maxWidth: Math.max(240, nodeWidth(inputs, outputs)) }}
    >
      {inputs.map((p, i) => (
        <Handle
          key={`in-${p.name}`}
          id={p.name}
          type="target"
          position={Position.Top}
          style={{ left: spread(i, inputs.length) }}
          data-testid="port-in"
          data-port={p.name}
          title={portTitle(p)}
        />
      ))}
      {inputs.length > 0 && (
        <div className="df-ports df-ports-in">
          {inputs.map((p, i) => (
            <span key={p.name} style={labelStyle(i, inputs.length)} title={portTitle(p)}>
              {p.name}
            </span>
          ))}
        </div>
      )}
      <div className="df-node-title">
        <span className="df-node-kind" aria-hidden="true">
          {data.kind === 'input' ? '⇣' : data.kind === 'output' ? '⇓' : data.kind === 'pipeline' ? '⇶' : 'ƒ'}
        </span>
        {data.title}
      </div>
      {data.summary && <div className="df-node-summary" title={data.summary}>{data.summary}</div>}
      {outputs.length > 0 && (
        <div className="df-ports df-ports-out">
          {outputs.map((p, i) => {
            const l = outputLabel(p, data.observed?.[p.name]);
            return (
              <span key={p.name} style={labelStyle(i, outputs.length)} title={l.title} className={l.observed ? 'type-observed' : undefined} data-observed={l.observed ? 'true' : undefined}>
                {p.name}
              </span>
            );
          })}
        </div>
      )}
      {outputs.map((p, i) => (
        <Handle
          key={`out-${p.name}`}
          id={p.name}
          type="source"
          position={Position.Bottom}
          style={{ left: spread(i, outputs.length) }}
          data-testid="port-out"
          data-port={p.name}
          title={outputLabel(p, data.observed?.[p.name]).title}
        />
      ))}
      {problems.length > 0 && (
        <span className="df-node-problem" data-testid="node-problem" title={problems.map((p) => p.message).join('\n')} role="img" aria-label={`${problems.length} problem(s)`}>
          {problems.length}
        </span>
      )}
    </div>
  );
}
