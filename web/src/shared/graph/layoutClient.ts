// Layout requests to the layout worker; where the page has no workers (jsdom), the same code runs in place.
import type { LayoutEdge, LayoutNode, Position } from './layout';
import type { LayoutReply, LayoutRequest } from './layoutWorker';

let worker: Worker | null = null;
let next = 0;
const waiting = new Map<number, { resolve: (p: Record<string, Position>) => void; reject: (e: Error) => void }>();

function theWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  if (!worker) {
    worker = new Worker(new URL('./layoutWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<LayoutReply>) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      if (!w) return;
      if (e.data.positions) w.resolve(e.data.positions);
      else w.reject(new Error(e.data.error ?? 'the layout failed'));
    };
    worker.onerror = (e) => {
      // a worker that cannot start (a strict CSP, say): answer what is waiting in place, and from now on
      worker = null;
      e.preventDefault?.();
      for (const [id, w] of waiting) w.reject(new Error(`the layout worker failed (${id}): ${e.message}`));
      waiting.clear();
      noWorker = true;
    };
  }
  return worker;
}
let noWorker = false;

// start the worker as soon as an editor's code loads, so its script is loaded while the model and catalog arrive
theWorker();

/**
 * The last few layouts asked for, by their exact input: the layout of a graph is a function of its input, so an
 * editor opening a graph finds the layout that the page's preload asked for as soon as the model came (and a
 * second "Auto layout" of an unchanged graph is answered at once).
 */
const recent = new Map<string, Promise<Record<string, Position>>>();
const RECENT = 4;

/** Top-left positions of every node, ranks top to bottom, ports in order (autoLayout), computed in the layout worker. */
export function layoutInWorker(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutRequest['opts'] = {}): Promise<Record<string, Position>> {
  const key = JSON.stringify([nodes, edges, opts]);
  const known = recent.get(key);
  if (known) return known;
  const laid = layOut(nodes, edges, opts);
  recent.set(key, laid);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  laid.catch(() => recent.delete(key)); // a failed layout is asked again next time
  return laid;
}

function layOut(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutRequest['opts']): Promise<Record<string, Position>> {
  const req: LayoutRequest = { id: ++next, nodes, edges, opts };
  // performance marks for bench/run browser (and the browser's own profiler): when a layout was asked for and came back
  performance.mark('graph-layout-start', { detail: { nodes: nodes.length } });
  const done = (p: Record<string, Position>) => {
    performance.mark('graph-layout-end', { detail: { nodes: nodes.length } });
    return p;
  };
  const w = noWorker ? null : theWorker();
  if (!w) {
    // loaded only here, so ELK stays out of the main bundle
    return import('./layoutWorker')
      .then(({ answer }) => answer(req))
      .then((r) => (r.positions ? done(r.positions) : Promise.reject(new Error(r.error))));
  }
  return new Promise((resolve, reject) => {
    waiting.set(req.id, { resolve: (p) => resolve(done(p)), reject });
    w.postMessage(req);
  });
}
