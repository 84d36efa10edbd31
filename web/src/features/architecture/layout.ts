// Top-down layout of an architecture (dagre: no ports); layer nodes have one fixed size, so it needs no measuring.
import type { Position } from '../../shared/graph/layout';
import { autoLayout, type LayoutEdge, type LayoutNode } from '../../shared/graph/layout';
import type { Architecture } from './model';

export const LAYER_SIZE = { width: 200, height: 78 };

export const ARCH_LAYOUT_OPTIONS = { nodesep: 36, ranksep: 64 };

/** The layers and connections as the layout sees them (the worker gets the same). */
export function layoutInput(a: Architecture): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  return {
    nodes: Object.keys(a.layers).map((id) => ({ id, ...LAYER_SIZE })),
    edges: Object.values(a.connections).map((c) => ({ source: c.from.layer, target: c.to.layer })),
  };
}

/** Top-left positions of every layer, inputs at the top. */
export function layoutArchitecture(a: Architecture): Promise<Record<string, Position>> {
  const { nodes, edges } = layoutInput(a);
  return autoLayout(nodes, edges, ARCH_LAYOUT_OPTIONS);
}
