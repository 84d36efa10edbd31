// Where the pipeline editor puts a node: its default size, a free place for a new one, and what auto layout sees.
import type { IfacePort } from '../../shared/api';
import type { Block, Collapsed } from '../../shared/graph/blocks';
import type { LayoutEdge, LayoutNode, Position } from '../../shared/graph/layout';
import { layoutInWorker } from '../../shared/graph/layoutClient';
import { nodePorts, type ModelParts, type Pipeline } from './model';

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

/** Wide enough for every port label at 10 px (about 6 px a character), between 160 and 480 px. */
export function nodeWidth(inputs: IfacePort[], outputs: IfacePort[]): number {
  const need = (ports: IfacePort[]) => (ports.length + 1) * Math.max(0, ...ports.map((p) => p.name.length * 6 + 12));
  return Math.min(480, Math.max(160, need(inputs), need(outputs)));
}

/** The steps (ids sorted) and the connections between them, with a key that changes only when these do. */
export function pipelineStructure(p: Pipeline): { ids: string[]; edges: LayoutEdge[]; key: string } {
  const ids = Object.keys(p.nodes).sort();
  const edges = Object.values(p.connections).flatMap((c) => (c?.from?.node && c?.to?.node ? [{ source: c.from.node, target: c.to.node }] : []));
  return { ids, edges, key: `${ids.join(',')}|${edges.map((e) => `${e.source}>${e.target}`).join(',')}` };
}

/** Where a drawn node (a step, or a block: where its first step is) is saved, if it is. */
export function savedPosition(p: Pipeline, id: string, blockById: ReadonlyMap<string, Block>): Position | undefined {
  const node = p.nodes[blockById.get(id)?.members[0] ?? id];
  const at = node?.position as Position | undefined;
  return at && typeof at.x === 'number' && typeof at.y === 'number' ? { x: at.x, y: at.y } : undefined;
}

/**
 * What the editor asks the layout worker for, for the drawn nodes `shown`: with nothing folded every drawn node
 * is a step whose ports the layout can order; with blocks folded, boxes of the default size.
 */
export function pipelineLayout(p: Pipeline, parts: ModelParts, shown: Collapsed, folded: boolean): Promise<Record<string, Position>> {
  const { nodes, edges } = folded
    ? { nodes: shown.nodes.map((id) => ({ id, ...DEFAULT_NODE_SIZE })), edges: shown.edges }
    : layoutInput(
        shown.nodes.map((id) => {
          const ports = nodePorts(p.nodes[id], parts);
          return { id, width: Math.max(DEFAULT_NODE_SIZE.width, nodeWidth(ports.inputs, ports.outputs)), ...ports };
        }),
        p,
      );
  return layoutInWorker(nodes, edges);
}
