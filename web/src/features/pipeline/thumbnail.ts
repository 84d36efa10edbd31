// The small picture of a pipeline in the list: a box per node at its position, a line per connection.
import { nodeKind, nodePosition, type Pipeline } from './model';

export interface ThumbRect { id: string; x: number; y: number; width: number; height: number; kind: string }
export interface ThumbLine { id: string; x1: number; y1: number; x2: number; y2: number }
export interface Thumbnail { width: number; height: number; rects: ThumbRect[]; lines: ThumbLine[] }

const NODE_W = 180;
const NODE_H = 72;

/** Fits the pipeline's node boxes into width × height (aspect kept, 4 px margin). */
export function thumbnail(pipeline: Pipeline, width = 96, height = 60): Thumbnail {
  const ids = Object.keys(pipeline.nodes).sort();
  if (ids.length === 0) return { width, height, rects: [], lines: [] };
  const pos = new Map(ids.map((id) => [id, nodePosition(pipeline.nodes[id])]));
  const xs = ids.map((id) => pos.get(id)!.x);
  const ys = ids.map((id) => pos.get(id)!.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const spanW = Math.max(...xs) + NODE_W - minX;
  const spanH = Math.max(...ys) + NODE_H - minY;
  const margin = 4;
  const scale = Math.min((width - 2 * margin) / spanW, (height - 2 * margin) / spanH);
  const offX = margin + (width - 2 * margin - spanW * scale) / 2;
  const offY = margin + (height - 2 * margin - spanH * scale) / 2;
  const r = (v: number) => Math.round(v * 10) / 10;
  const box = (id: string) => {
    const p = pos.get(id)!;
    return { x: r(offX + (p.x - minX) * scale), y: r(offY + (p.y - minY) * scale), width: r(NODE_W * scale), height: r(NODE_H * scale) };
  };
  const rects = ids.map((id) => ({ id, kind: nodeKind(pipeline.nodes[id]), ...box(id) }));
  const lines: ThumbLine[] = [];
  for (const cid of Object.keys(pipeline.connections).sort()) {
    const c = pipeline.connections[cid];
    if (!pos.has(c?.from?.node) || !pos.has(c?.to?.node)) continue;
    const a = box(c.from.node);
    const b = box(c.to.node);
    // from the bottom of the source to the top of the target
    lines.push({ id: cid, x1: r(a.x + a.width / 2), y1: r(a.y + a.height), x2: r(b.x + b.width / 2), y2: b.y });
  }
  return { width, height, rects, lines };
}

export interface ThumbnailPaths { lines: string; boxes: string; ports: string }

/** The picture as three SVG paths (connections; operation and sub-pipeline boxes; Input and Output boxes), so that it
 * costs the page three elements however big the pipeline is (a 2,000-node pipeline as elements of their own took
 * ~100 ms of DOM work when the workbench opened, for a picture 48 px wide). */
export function thumbnailPaths(t: Thumbnail): ThumbnailPaths {
  const box = (b: ThumbRect) => `M${b.x} ${b.y}h${b.width}v${b.height}h${-b.width}z`;
  const port = (b: ThumbRect) => b.kind === 'input' || b.kind === 'output';
  return {
    lines: t.lines.map((l) => `M${l.x1} ${l.y1}L${l.x2} ${l.y2}`).join(''),
    boxes: t.rects.filter((b) => !port(b)).map(box).join(''),
    ports: t.rects.filter(port).map(box).join(''),
  };
}

/** The same picture as SVG markup (for tests and anything that wants a string). */
export function thumbnailSvg(t: Thumbnail): string {
  const rects = t.rects
    .map((b) => `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="1" class="thumb-${b.kind}"/>`)
    .join('');
  const lines = t.lines.map((l) => `<line x1="${l.x1}" y1="${l.y1}" x2="${l.x2}" y2="${l.y2}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${t.width}" height="${t.height}" viewBox="0 0 ${t.width} ${t.height}">${lines}${rects}</svg>`;
}
