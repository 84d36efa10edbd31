// Where the pipeline editor puts a node: its default size, a free place for a new one, and what auto layout sees.
import type { LayoutEdge, LayoutNode, Position } from '../../shared/graph/layout';
import type { Pipeline } from './model';

export const DEFAULT_NODE_SIZE = { width: 180, height: 72 };

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

/** A node as drawn: its measured size (the default until measured) and its ports, left to right. */
export interface DrawnNode { id: string; width?: number; height?: number; inputs: { name: string }[]; outputs: { name: string }[] }

/** The drawn nodes with their ports and the connections between ports, as the layout sees them. */
export function layoutInput(drawn: DrawnNode[], p: Pipeline): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  return {
    nodes: drawn.map((n) => ({
      id: n.id,
      width: n.width ?? DEFAULT_NODE_SIZE.width,
      height: n.height ?? DEFAULT_NODE_SIZE.height,
      inputs: n.inputs.map((i) => i.name),
      outputs: n.outputs.map((o) => o.name),
    })),
    edges: Object.values(p.connections).map((c) => ({ source: c.from.node, target: c.to.node, sourcePort: c.from.port, targetPort: c.to.port })),
  };
}
