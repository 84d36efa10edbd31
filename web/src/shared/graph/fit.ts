// "Zoom to fit" that keeps text readable: a graph too big for the canvas is fitted to its width (never below
// a readable zoom) and shown from the top; the rest is a scroll away.
import type { Position } from './layout';

export interface Box { x: number; y: number; width: number; height: number }
export interface Viewport { x: number; y: number; zoom: number }

/** Below this zoom a node's text (12–13 px) is smaller than about 8 px on screen. */
export const MIN_READABLE_ZOOM = 0.6;
/** How far out the editors go on their own to bring a new layer into view (types still readable, far view). */
export const OVERVIEW_ZOOM = 0.25;

/** The box around nodes at these top-left positions, each `size` big (or its own size). */
export function boundsOf(positions: Iterable<Position & { width?: number; height?: number }>, size: { width: number; height: number }): Box | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of positions) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + (p.width ?? size.width));
    y1 = Math.max(y1, p.y + (p.height ?? size.height));
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The viewport that shows `box` on a canvas of `width`×`height`: all of it when that is readable; otherwise
 * its full width (or as much as a readable zoom allows, from the left), from the top.
 */
export function fitViewport(box: Box, width: number, height: number, opts: { padding?: number; maxZoom?: number; minZoom?: number } = {}): Viewport {
  const pad = opts.padding ?? 24;
  const maxZoom = opts.maxZoom ?? 1.1;
  const minZoom = opts.minZoom ?? MIN_READABLE_ZOOM;
  const w = Math.max(1, width - 2 * pad);
  const h = Math.max(1, height - 2 * pad);
  const bw = Math.max(1, box.width);
  const bh = Math.max(1, box.height);
  const all = Math.min(maxZoom, w / bw, h / bh);
  if (all >= minZoom) {
    return { zoom: all, x: (width - bw * all) / 2 - box.x * all, y: (height - bh * all) / 2 - box.y * all };
  }
  const zoom = Math.max(minZoom, Math.min(maxZoom, w / bw));
  const x = bw * zoom <= w ? (width - bw * zoom) / 2 - box.x * zoom : pad - box.x * zoom;
  return { zoom, x, y: pad - box.y * zoom };
}
