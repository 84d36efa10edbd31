// The layout web worker: layouts off the main thread, so a big graph never freezes the page while it is laid out.
// Two layouts: dagre (autoLayout: any size, no ports) and ELK (portLayout: port-aware, up to PORT_LAYOUT_MAX_NODES).
import { autoLayout, type LayoutEdge, type LayoutNode } from '../pipeline/layout';
import type { Position } from '../pipeline/model';
import { portLayout, type PortEdge, type PortNode } from '../pipeline/portLayout';

export type LayoutRequest =
  | { id: number; kind?: 'dagre'; nodes: LayoutNode[]; edges: LayoutEdge[]; opts: { nodesep?: number; ranksep?: number } }
  | { id: number; kind: 'ports'; nodes: PortNode[]; edges: PortEdge[] };
export interface LayoutReply { id: number; positions?: Record<string, Position>; error?: string }

/** What the worker answers to one request (also what the page computes itself where it has no workers). */
export async function answer(req: LayoutRequest): Promise<LayoutReply> {
  try {
    const positions = req.kind === 'ports' ? await portLayout(req.nodes, req.edges) : autoLayout(req.nodes, req.edges, req.opts);
    return { id: req.id, positions };
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) };
  }
}

const scope = globalThis as unknown as { document?: unknown; onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage: (m: LayoutReply) => void };
if (typeof scope.document === 'undefined' && typeof scope.postMessage === 'function') {
  scope.onmessage = (e) => void answer(e.data).then((r) => scope.postMessage(r));
}
