// The layout web worker: dagre off the main thread, so a big graph never freezes the page while it is laid out.
import { autoLayout, type LayoutEdge, type LayoutNode, type Position } from './layout';

export interface LayoutRequest { id: number; nodes: LayoutNode[]; edges: LayoutEdge[]; opts: { nodesep?: number; ranksep?: number } }
export interface LayoutReply { id: number; positions?: Record<string, Position>; error?: string }

/** What the worker answers to one request (also what the page computes itself where it has no workers). */
export function answer(req: LayoutRequest): LayoutReply {
  try {
    return { id: req.id, positions: autoLayout(req.nodes, req.edges, req.opts) };
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) };
  }
}

const scope = globalThis as unknown as { document?: unknown; onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage: (m: LayoutReply) => void };
if (typeof scope.document === 'undefined' && typeof scope.postMessage === 'function') {
  scope.onmessage = (e) => scope.postMessage(answer(e.data));
}
