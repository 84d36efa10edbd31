// Auto layout: dagre, top to bottom (inputs above, outputs below, as the nodes draw their ports).
import { Graph, layout } from '@dagrejs/dagre';

/** A node's top-left corner on the canvas. */
export interface Position { x: number; y: number }
export interface LayoutNode { id: string; width: number; height: number }
export interface LayoutEdge { source: string; target: string }

/** Top-left positions (integers) for every node, ranks top to bottom. */
export function autoLayout(nodes: LayoutNode[], edges: LayoutEdge[], opts: { nodesep?: number; ranksep?: number } = {}): Record<string, Position> {
  const g = new Graph<{ rankdir: string; nodesep: number; ranksep: number }, { width: number; height: number; x?: number; y?: number }, object>();
  g.setGraph({ rankdir: 'TB', nodesep: opts.nodesep ?? 40, ranksep: opts.ranksep ?? 60 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) g.setEdge(e.source, e.target);
  layout(g);
  const out: Record<string, Position> = {};
  for (const n of nodes) {
    const laid = g.node(n.id);
    // dagre gives centres; the canvas places nodes by their top-left corner
    out[n.id] = { x: Math.round((laid.x ?? 0) - n.width / 2), y: Math.round((laid.y ?? 0) - n.height / 2) };
  }
  return out;
}
