// The layout web worker: ELK and dagre off the main thread (and out of the main bundle), so a big graph never
// freezes the page while it is laid out.
import { autoLayout, type LayoutEdge, type LayoutNode, type LayoutOptions, type Position } from './layout';

export interface LayoutRequest { id: number; nodes: LayoutNode[]; edges: LayoutEdge[]; opts: LayoutOptions }
export interface LayoutReply { id: number; positions?: Record<string, Position>; error?: string }

/** What the worker answers to one request (also what the page computes itself where it has no workers). */
export async function answer(req: LayoutRequest): Promise<LayoutReply> {
  try {
    return { id: req.id, positions: await autoLayout(req.nodes, req.edges, req.opts) };
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) };
  }
}

const scope = globalThis as unknown as { document?: unknown; onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage: (m: LayoutReply) => void };
if (typeof scope.document === 'undefined' && typeof scope.postMessage === 'function') {
  scope.onmessage = (e) => void answer(e.data).then((r) => scope.postMessage(r));
}
