import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';

export interface BlockNodeData extends Record<string, unknown> {
  label: string;
  /** "6 layers", "99 nodes". */
  count: string;
  /** What is inside, e.g. "Conv2d ×2, BatchNorm2d ×2, ReLU, Add". */
  summary: string;
  /** Its members' problems, '' when none. */
  error: string;
  onExpand: (id: string) => void;
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;

/** A collapsed block (a residual block, an inception module, a chain of steps): one node, expanded on request. */
export const BlockNodeView = memo(function BlockNodeView({ id, data, selected }: NodeProps<BlockFlowNode>) {
  return (
    <div
      className={`block-node${selected ? ' selected' : ''}${data.error ? ' has-error' : ''}`}
      data-testid="block-node"
      data-block-id={id}
      data-error={data.error ? 'true' : 'false'}
      title={data.error || `${data.label}: ${data.summary}`}
    >
      <Handle id="in" type="target" position={Position.Top} />
      <div className="block-node-title">
        <span className="block-node-label">{data.label}</span> <span className="muted">{data.count}</span>
      </div>
      <div className="block-node-summary muted">{data.summary}</div>
      <button
        type="button"
        className="link-button block-node-expand nodrag"
        data-testid="block-expand"
        onClick={(e) => {
          e.stopPropagation();
          data.onExpand(id);
        }}
      >
        ▸ Expand
      </button>
      <Handle id="out" type="source" position={Position.Bottom} />
    </div>
  );
});

/** "Conv2d ×2, BatchNorm2d ×2, ReLU, Add": kinds in order of first appearance. */
export function summariseKinds(kinds: string[], max = 4): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, …` : parts.join(', ');
}

/** The name the members share ("block3_conv1", "block3_bn1" → "block3"), or `fallback`. */
export function sharedName(names: string[], fallback: string): string {
  const named = names.filter(Boolean);
  if (named.length < 2) return fallback;
  let prefix = named[0];
  for (const n of named) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.replace(/[_\-. ]+$/, '');
  return prefix.length >= 2 ? prefix : fallback;
}
