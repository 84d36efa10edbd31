// What a cell output shows, decided once from its Jupyter kind and mimetypes (richest first), so the React view
// only draws. HTML is never injected: it is parsed inert and rebuilt from a short list of tags without attributes.
import type { CellOutput } from '../../shared/api';
import type { Json } from '../../shared/patch';
import { METRIC_MIME, TRAINING_MIME } from './training';

export const DESCRIBE_MIME = 'application/vnd.deepforge.describe+json';
export const SAVED_MIME = 'application/vnd.deepforge.saved+json';

export type Plot =
  | { kind: 'line'; y: number[]; x?: number[] }
  | { kind: 'image'; width: number; height: number; png: string; min: number; max: number }
  | { kind: 'scatter'; dims: 2 | 3; points: number[][]; color?: number[] };
export interface Describe {
  expression: string;
  type: string;
  shape?: number[];
  dtype?: string;
  summary?: { min?: number | null; max?: number | null; mean?: number | null; std?: number | null; nan?: number | null };
  columns?: string[];
  preview: string;
  plot?: Plot;
}
export interface Metric { training: string; epoch: number; step: number; name: string; value: number }
export interface Saved { output: string; type: string; sha256: string; size: number; variable?: string; training?: string }

/** A piece of a cell's output, ready to draw. */
export type Shown =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'error'; ename: string; evalue: string; traceback: string[] }
  | { kind: 'describe'; describe: Describe }
  | { kind: 'metric'; metric: Metric }
  | { kind: 'training'; training: string; state: string; epochs?: number; error?: string }
  | { kind: 'saved'; saved: Saved }
  | { kind: 'image'; src: string }
  | { kind: 'html'; nodes: SafeNode[] }
  | { kind: 'text'; text: string; executionCount?: number | null };

const obj = (v: Json | undefined): Record<string, Json> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** How one output is shown; `null` for an output with nothing this UI can show. */
export function showOutput(output: CellOutput): Shown | null {
  if (output.kind === 'stream') return { kind: 'stream', name: output.name === 'stderr' ? 'stderr' : 'stdout', text: String(output.text ?? '') };
  if (output.kind === 'error') {
    return { kind: 'error', ename: String(output.ename ?? 'Error'), evalue: String(output.evalue ?? ''), traceback: Array.isArray(output.traceback) ? output.traceback.map(String) : [] };
  }
  const data = obj(output.data as Json) ?? {};
  const count = output.kind === 'result' ? output.executionCount : undefined;
  const describe = obj(data[DESCRIBE_MIME]);
  if (describe && typeof describe.expression === 'string') return { kind: 'describe', describe: describe as unknown as Describe };
  const metric = obj(data[METRIC_MIME]);
  if (metric && typeof metric.name === 'string' && typeof metric.value === 'number') return { kind: 'metric', metric: metric as unknown as Metric };
  const training = obj(data[TRAINING_MIME]);
  if (training && typeof training.training === 'string') {
    return {
      kind: 'training',
      training: training.training,
      state: String(training.state),
      ...(typeof training.epochs === 'number' ? { epochs: training.epochs } : {}),
      ...(typeof training.error === 'string' ? { error: training.error } : {}),
    };
  }
  const saved = obj(data[SAVED_MIME]);
  if (saved && typeof saved.output === 'string') return { kind: 'saved', saved: saved as unknown as Saved };
  const png = data['image/png'];
  if (typeof png === 'string' && BASE64.test(png)) return { kind: 'image', src: `data:image/png;base64,${png.replace(/\s/g, '')}` };
  const html = data['text/html'];
  if (typeof html === 'string') return { kind: 'html', nodes: sanitizeHtml(html) };
  const text = data['text/plain'];
  if (typeof text === 'string') return { kind: 'text', text, executionCount: count };
  const json = data['application/json'];
  if (json !== undefined) return { kind: 'text', text: JSON.stringify(json, null, 2), executionCount: count };
  return null;
}

/** A text node or an element of the allowed tags, without any attribute. */
export type SafeNode = string | { tag: string; children: SafeNode[] };

const ALLOWED = new Set([
  'b', 'i', 'em', 'strong', 'code', 'pre', 'p', 'br', 'span', 'div', 'small', 'sub', 'sup',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
]);
/** Tags whose content is no text at all. */
const DROPPED = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math', 'head', 'title']);
const MAX_NODES = 20_000;

/**
 * HTML (a pandas table, say) as a tree of allowed tags and text. The document is parsed inert (no script runs, nothing
 * loads); unknown tags give their text, dropped ones nothing, and no attribute survives (so no handler, link or style).
 */
export function sanitizeHtml(html: string): SafeNode[] {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  let budget = MAX_NODES;
  const walk = (node: Node): SafeNode[] => {
    if (budget-- <= 0) return [];
    if (node.nodeType === 3) return [node.textContent ?? ''];
    if (node.nodeType !== 1) return [];
    const tag = (node as Element).tagName.toLowerCase();
    if (DROPPED.has(tag)) return [];
    const children = [...node.childNodes].flatMap(walk);
    return ALLOWED.has(tag) ? [{ tag, children }] : children;
  };
  return [...doc.body.childNodes].flatMap(walk);
}

/** "2 × 30 × 40" */
export function formatShape(shape: readonly number[] | undefined): string {
  return shape ? shape.join(' × ') : '';
}
