// Auto layout: dagre, top to bottom (inputs above, outputs below, as the nodes draw their ports).
import { Graph, layout } from '@dagrejs/dagre';
import type { Position } from './model';

export interface LayoutNode { id: string; width: number; height: number }
export interface LayoutEdge { source: string; target: string }

export const DEFAULT_NODE_SIZE = { width: 180, height: 72 };

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

/**
 * The first place at or below `at` where a node of `size` overlaps none of the `taken` nodes (top-left
 * corners, each of `size`), with a gap between them: clicking "add" several times stacks nodes in a column
 * under the centre of the view instead of piling them onto one spot. After a column of `rows`, one to the right.
 */
export function freeSpot(at: Position, taken: Position[], size = DEFAULT_NODE_SIZE, gap = 24, rows = 8): Position {
  const overlaps = (p: Position) => taken.some((t) => Math.abs(t.x - p.x) < size.width + gap && Math.abs(t.y - p.y) < size.height + gap);
  for (let col = 0; col < 50; col++) {
    for (let row = 0; row < rows; row++) {
      const p = { x: Math.round(at.x + col * (size.width + gap)), y: Math.round(at.y + row * (size.height + gap)) };
      if (!overlaps(p)) return p;
    }
  }
  return { x: Math.round(at.x), y: Math.round(at.y) };
}
