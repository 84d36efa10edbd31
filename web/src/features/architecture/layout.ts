// Top-down layout of an architecture (dagre: no ports); layer nodes have one fixed size, so it needs no measuring.
import { collapse, collapsedAtOpening, mergeBlocks, type Collapsed } from '../../shared/graph/blocks';
import type { Position } from '../../shared/graph/layout';
import { autoLayout, type LayoutEdge, type LayoutNode } from '../../shared/graph/layout';
import { layoutInWorker } from '../../shared/graph/layoutClient';
import type { Architecture } from './model';

export const LAYER_SIZE = { width: 200, height: 78 };

export const ARCH_LAYOUT_OPTIONS = { nodesep: 36, ranksep: 64 };

/** The layers and connections as the layout sees them (the worker gets the same). */
export function layoutInput(a: Architecture): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const { nodes, edges } = architectureStructure(a);
  return { nodes: nodes.map((id) => ({ id, ...LAYER_SIZE })), edges };
}

/** Top-left positions of every layer, inputs at the top. */
export function layoutArchitecture(a: Architecture): Promise<Record<string, Position>> {
  const { nodes, edges } = layoutInput(a);
  return autoLayout(nodes, edges, ARCH_LAYOUT_OPTIONS);
}

/** The layers and connections as the editor draws them: layer ids in the model's order, one edge a connection. */
export function architectureStructure(a: Architecture): { nodes: string[]; edges: LayoutEdge[] } {
  return { nodes: Object.keys(a.layers), edges: Object.values(a.connections).map((c) => ({ source: c.from.layer, target: c.to.layer })) };
}

/** The layout of what the editor draws (`shown`: layers, and collapsed blocks), in the layout worker. */
export function layoutShown(shown: Collapsed): Promise<Record<string, Position>> {
  return layoutInWorker(shown.nodes.map((id) => ({ id, ...LAYER_SIZE })), shown.edges, ARCH_LAYOUT_OPTIONS);
}

/**
 * Asks for the layout the editor asks for when it opens `a` (a big architecture with its blocks collapsed):
 * the page's preload calls it as soon as the model arrives, so the layout runs while the page renders.
 */
export function architectureLayoutAtOpening(a: Architecture): Promise<Record<string, Position>> {
  const { nodes, edges } = architectureStructure(a);
  const blocks = mergeBlocks(nodes, edges);
  return layoutShown(collapse(nodes, edges, blocks, collapsedAtOpening(nodes, blocks)));
}
