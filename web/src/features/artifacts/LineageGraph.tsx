import '@xyflow/react/dist/style.css';
import { ReactFlow, type Edge, type Node, type NodeProps, Handle, Position } from '@xyflow/react';
import { useMemo } from 'react';
import type { Lineage, LineageNode } from '../../shared/api';
import { dagreLayout } from '../../shared/graph/layout';

type LNode = Node<{ node: LineageNode }, 'lineage'>;
const SIZE = { width: 150, height: 44 };

function LineageNodeView({ data }: NodeProps<LNode>) {
  const n = data.node;
  return (
    <div className={`lineage-node lineage-${n.kind}${n.missing ? ' missing' : ''}`} data-testid="lineage-node" data-node-id={n.id} data-kind={n.kind} title={n.id}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="muted small-text">{n.kind === 'job' ? 'ƒ job' : '◫ artifact'}</span>
      <div>{n.label}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}
const TYPES = { lineage: LineageNodeView };

/** The lineage, top-down: inputs above the jobs that read them, down to the artifact. */
export default function LineageGraph({ lineage }: { lineage: Lineage }) {
  const nodes = Array.isArray(lineage.nodes) ? lineage.nodes : [];
  const links = Array.isArray(lineage.edges) ? lineage.edges : [];
  const flow = useMemo(() => {
    const at = dagreLayout(nodes.map((n) => ({ id: n.id, ...SIZE })), links.map((e) => ({ source: e.from, target: e.to })), { nodesep: 20, ranksep: 40 });
    const fn: LNode[] = nodes.map((n) => ({ id: n.id, type: 'lineage', position: at[n.id], data: { node: n }, draggable: false, connectable: false }));
    const fe: Edge[] = links.map((e, i) => ({ id: `e${i}`, source: e.from, target: e.to, label: e.port }));
    return { fn, fe };
  }, [nodes, links]);
  if (typeof ResizeObserver === 'undefined')
    return (
      <ul className="plain-list">
        {nodes.map((n) => (
          <li key={n.id} data-testid="lineage-node" data-node-id={n.id} data-kind={n.kind}>{n.kind}: {n.label}</li>
        ))}
      </ul>
    );
  return (
    <div className="lineage-graph" style={{ height: Math.min(420, 90 + 80 * new Set(Object.values(flow.fn).map((n) => n.position.y)).size) }}>
      <ReactFlow<LNode, Edge> nodes={flow.fn} edges={flow.fe} nodeTypes={TYPES} fitView nodesDraggable={false} nodesConnectable={false} colorMode="system" proOptions={{ hideAttribution: true }} />
    </div>
  );
}
