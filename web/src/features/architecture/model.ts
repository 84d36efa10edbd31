// Architectures (docs/architectures.md): reading the model entry, shapes, argument text, and change sets.
import { pointer, type Json, type PatchOp } from '../../shared/patch';

export interface ArgSpec {
  name: string;
  default?: Json;
  /** How a default that is no JSON literal reads in Python (`np.nan`); `default` is null then. */
  defaultText?: string;
  required: boolean;
  type: string;
  doc?: string;
  /** The values the argument takes (a `choice`), or some it may take besides its type's. */
  choices?: Json[];
}
export interface LayerSpec {
  name: string;
  category: string;
  doc?: string;
  docstring?: string;
  arguments: ArgSpec[];
  inputs: number | null;
  max_inputs: number | null;
  outputs: number | null;
  inputNames?: string[];
  /** scikit-learn: where the class lives ("sklearn.decomposition"). */
  module?: string;
  /** scikit-learn: "transformer" or "predictor" (the last step). */
  role?: string;
  /** scikit-learn: "classifier", "regressor", "clusterer" or "transformer". */
  estimatorType?: string;
}
/** A kind's palette (docs/libraries.md "Catalogs"); a kind may add fields (`torch`, `sklearn`: versions). */
export interface Catalog { layers: LayerSpec[]; language: LayerSpec[]; [extra: string]: unknown }

/** The kind of an architecture that names none (everything written before libraries). */
export const DEFAULT_KIND = 'pytorch';

/** An architecture entry's kind: its `kind`, else PyTorch. */
export function architectureKind(entry: Record<string, Json> | undefined): string {
  return typeof entry?.kind === 'string' && entry.kind ? entry.kind : DEFAULT_KIND;
}

export interface Layer { type: string; name?: string; arguments: Record<string, Json> }
export interface Connection { from: { layer: string; output?: number }; to: { layer: string; input?: number } }
export interface Architecture { name?: string; layers: Record<string, Layer>; connections: Record<string, Connection> }

export type Shape = (number | null)[];
export interface LayerAnalysis { output?: Shape | null; outputs?: (Shape | null)[]; parameters?: number; inferred?: Record<string, Json> }
export interface AnalysisError { layer?: string; message: string }
export interface Analysis {
  shapes: Record<string, Shape | null>;
  layers: Record<string, LayerAnalysis>;
  /** The total; null while there are errors (then partialParameters sums the layers before them). */
  parameters: number | null;
  partialParameters?: number;
  errors: AnalysisError[];
}

/** What an edit changed in an analysis (docs/architectures.md, "Analysing an edit"). */
export interface AnalysisChanges {
  shapes: Record<string, Shape | null>;
  layers: Record<string, LayerAnalysis>;
  removed: { shapes: string[]; layers: string[] };
  parameters: number | null;
  partialParameters?: number;
  /** Only when they differ. */
  errors?: AnalysisError[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The architecture in a model entry, tolerant of missing or malformed parts. */
export function readArchitecture(entry: Record<string, Json> | undefined): Architecture {
  const layers: Record<string, Layer> = {};
  const connections: Record<string, Connection> = {};
  if (isObj(entry?.layers))
    for (const [id, l] of Object.entries(entry.layers))
      if (isObj(l) && typeof l.type === 'string')
        layers[id] = { type: l.type, ...(typeof l.name === 'string' ? { name: l.name } : {}), arguments: isObj(l.arguments) ? (l.arguments as Record<string, Json>) : {} };
  if (isObj(entry?.connections))
    for (const [id, c] of Object.entries(entry.connections))
      if (isObj(c) && isObj(c.from) && isObj(c.to) && typeof c.from.layer === 'string' && typeof c.to.layer === 'string')
        connections[id] = {
          from: { layer: c.from.layer, output: typeof c.from.output === 'number' ? c.from.output : 0 },
          to: { layer: c.to.layer, input: typeof c.to.input === 'number' ? c.to.input : 0 },
        };
  return { ...(typeof entry?.name === 'string' ? { name: entry.name } : {}), layers, connections };
}

/** `[N, 8, 26, 26]`: the batch dimension (null) as N, another unknown one as ?; `?` when there is no shape. */
export function formatShape(shape: unknown): string {
  if (!Array.isArray(shape)) return '?';
  return `[${shape.map((d, i) => (d === null ? (i === 0 ? 'N' : '?') : Array.isArray(d) ? formatShape(d) : String(d))).join(', ')}]`;
}

/** 11689512 → "11,689,512". */
export function formatCount(n: number | undefined | null): string {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '?';
}

const TUPLE_TYPES = new Set(['tuple', 'int_or_tuple', 'list']);

function scalar(text: string): Json | undefined {
  const t = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'None' || t === 'null') return null;
  if (t === 'True' || t === 'true') return true;
  if (t === 'False' || t === 'false') return false;
  return undefined;
}

export type Parsed = { value: Json | undefined; error?: undefined } | { value?: undefined; error: string };

/**
 * The value of an argument typed into the inspector: undefined when the text is empty (the argument is
 * unset). Tuple-like fields take `3`, `3, 3`, `(3, 3)` or JSON.
 */
export function parseArgument(type: string, text: string, choices?: Json[]): Parsed {
  const t = text.trim();
  if (t === '') return { value: undefined };
  const chosen = choices?.find((c) => choiceText(c) === t);
  if (chosen !== undefined) return { value: chosen };
  if (type === 'choice') return choices && choices.length > 0 ? { error: `one of ${choices.map(choiceText).join(', ')}` } : { value: t };
  if (type === 'int_or_none' || type === 'float_or_none' || type === 'int_or_float') {
    const n = scalar(t);
    if (n === null && type !== 'int_or_float') return { value: null };
    if (typeof n === 'number' && (type !== 'int_or_none' || Number.isInteger(n))) return { value: n };
    return { error: type === 'int_or_none' ? 'a whole number or None' : type === 'float_or_none' ? 'a number or None' : 'a number' };
  }
  if (type === 'dict') {
    try {
      const v = JSON.parse(t) as Json;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { value: v };
    } catch {
      // said below
    }
    return { error: 'a JSON object, e.g. {"a": 1}' };
  }
  if (type === 'int') {
    const n = scalar(t);
    return typeof n === 'number' && Number.isInteger(n) ? { value: n } : { error: 'a whole number' };
  }
  if (type === 'float') {
    const n = scalar(t);
    return typeof n === 'number' ? { value: n } : { error: 'a number' };
  }
  if (type === 'bool') {
    const b = scalar(t);
    return typeof b === 'boolean' ? { value: b } : { error: 'true or false' };
  }
  if (type === 'str' || type === 'module' || type === 'callable') return { value: t };
  if (t.startsWith('[') || t.startsWith('{') || t.startsWith('"')) {
    try {
      return { value: JSON.parse(t) as Json };
    } catch {
      if (!TUPLE_TYPES.has(type) && type !== 'any') return { error: 'valid JSON' };
    }
  }
  const inner = t.startsWith('(') && t.endsWith(')') ? t.slice(1, -1) : t;
  const parts = inner.split(',').map((s) => s.trim());
  const trailing = parts.length > 1 && parts[parts.length - 1] === '';
  if (trailing) parts.pop();
  const values = parts.map(scalar);
  const allScalar = values.every((v) => v !== undefined && v !== true && v !== false) && parts.every((p) => p !== '');
  if (TUPLE_TYPES.has(type)) {
    if (!allScalar) return { error: 'numbers separated by commas, e.g. 3, 3' };
    if (values.length === 1 && type === 'int_or_tuple' && !trailing && inner === t) return { value: values[0] as Json };
    return { value: values as Json[] };
  }
  // any: JSON, a number, a list of numbers, or else the text itself (padding="same")
  if (allScalar) return { value: values.length === 1 && !trailing && inner === t ? (values[0] as Json) : (values as Json[]) };
  const one = scalar(t);
  if (one !== undefined) return { value: one };
  try {
    return { value: JSON.parse(t) as Json };
  } catch {
    return { value: t.replace(/^'(.*)'$/, '$1') };
  }
}

/** How a choice reads in a field or a list: strings as they are, null as Python's None. */
export function choiceText(c: Json): string {
  return c === null ? 'None' : typeof c === 'string' ? c : JSON.stringify(c);
}

const TEXT_TYPES = new Set(['str', 'module', 'callable', 'any', 'choice']);

/** The text a field shows for a value (the inverse of parseArgument). */
export function formatArgument(type: string, value: Json | undefined, choices?: Json[]): string {
  if (value === undefined) return '';
  if (value === null && type.endsWith('_or_none')) return 'None';
  if (typeof value === 'string') return TEXT_TYPES.has(type) || choices?.includes(value) ? value : JSON.stringify(value);
  if (Array.isArray(value) && TUPLE_TYPES.has(type) && value.every((v) => typeof v === 'number' || v === null))
    return value.map((v) => (v === null ? 'None' : String(v))).join(', ');
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function nextId(prefix: string, taken: Record<string, unknown>): string {
  let max = 0;
  for (const id of Object.keys(taken)) {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  let n = max + 1;
  while (`${prefix}${n}` in taken) n++;
  return `${prefix}${n}`;
}

export const nextLayerId = (a: Architecture) => nextId('l', a.layers);
export const nextConnectionId = (a: Architecture, extra: string[] = []) =>
  nextId('k', { ...a.connections, ...Object.fromEntries(extra.map((k) => [k, true])) });

/** The smallest input index of `layer` that no connection uses (merge nodes take any number of inputs). */
export function nextFreeInput(a: Architecture, layer: string): number {
  const used = new Set(Object.values(a.connections).filter((c) => c.to.layer === layer).map((c) => c.to.input ?? 0));
  let i = 0;
  while (used.has(i)) i++;
  return i;
}

/** True when a connection from → to would close a cycle (to reaches from already). */
export function wouldCycle(a: Architecture, from: string, to: string): boolean {
  if (from === to) return true;
  const out = new Map<string, string[]>();
  for (const c of Object.values(a.connections)) out.set(c.from.layer, [...(out.get(c.from.layer) ?? []), c.to.layer]);
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === from) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(out.get(n) ?? []));
  }
  return false;
}

const base = (id: string) => ['architectures', id];

/** Adds a layer (and creates the layers map when the entry has none). */
export function addLayerPatch(archId: string, entry: Record<string, Json> | undefined, layerId: string, layer: Layer): PatchOp[] {
  const value = layer as unknown as Json;
  return isObj(entry?.layers)
    ? [{ op: 'add', path: pointer(...base(archId), 'layers', layerId), value }]
    : [{ op: 'add', path: pointer(...base(archId), 'layers'), value: { [layerId]: value } }];
}

function ensureConnections(archId: string, entry: Record<string, Json> | undefined): PatchOp[] {
  return isObj(entry?.connections) ? [] : [{ op: 'add', path: pointer(...base(archId), 'connections'), value: {} }];
}

/** Connects from → to; replaces whatever fed that input before. */
export function connectPatch(archId: string, entry: Record<string, Json> | undefined, a: Architecture, conn: Connection): PatchOp[] {
  const patch: PatchOp[] = ensureConnections(archId, entry);
  for (const [id, c] of Object.entries(a.connections))
    if (c.to.layer === conn.to.layer && (c.to.input ?? 0) === (conn.to.input ?? 0)) patch.push({ op: 'remove', path: pointer(...base(archId), 'connections', id) });
  patch.push({ op: 'add', path: pointer(...base(archId), 'connections', nextConnectionId(a)), value: conn as unknown as Json });
  return patch;
}

/** Replaces the connection a→b by a→new→b, in one change set. */
export function insertOnConnectionPatch(archId: string, a: Architecture, connId: string, layerId: string, layer: Layer): PatchOp[] {
  const c = a.connections[connId];
  if (!c) return [];
  const k1 = nextConnectionId(a);
  const k2 = nextConnectionId(a, [k1]);
  const conns = pointer(...base(archId), 'connections');
  return [
    { op: 'add', path: pointer(...base(archId), 'layers', layerId), value: layer as unknown as Json },
    { op: 'remove', path: `${conns}${pointer(connId)}` },
    { op: 'add', path: `${conns}${pointer(k1)}`, value: { from: { layer: c.from.layer, output: c.from.output ?? 0 }, to: { layer: layerId, input: 0 } } },
    { op: 'add', path: `${conns}${pointer(k2)}`, value: { from: { layer: layerId, output: 0 }, to: { layer: c.to.layer, input: c.to.input ?? 0 } } },
  ];
}

/** Removes layers (with every connection touching them) and connections. */
export function removalPatch(archId: string, a: Architecture, layers: string[], connections: string[]): PatchOp[] {
  const gone = new Set(layers.filter((l) => l in a.layers));
  const cut = new Set(connections.filter((c) => c in a.connections));
  for (const [id, c] of Object.entries(a.connections)) if (gone.has(c.from.layer) || gone.has(c.to.layer)) cut.add(id);
  return [
    ...[...cut].map((id): PatchOp => ({ op: 'remove', path: pointer(...base(archId), 'connections', id) })),
    ...[...gone].map((id): PatchOp => ({ op: 'remove', path: pointer(...base(archId), 'layers', id) })),
  ];
}

/** The connections into a layer, by input index. */
export function incoming(a: Architecture, layer: string): [string, Connection][] {
  return Object.entries(a.connections)
    .filter(([, c]) => c.to.layer === layer)
    .sort((x, y) => (x[1].to.input ?? 0) - (y[1].to.input ?? 0));
}

/** Swaps the input indices of two connections into the same layer (the order of a merge's inputs). */
export function swapInputsPatch(archId: string, a: Architecture, k1: string, k2: string): PatchOp[] {
  const c1 = a.connections[k1];
  const c2 = a.connections[k2];
  if (!c1 || !c2) return [];
  const p = (k: string) => pointer(...base(archId), 'connections', k, 'to');
  return [
    { op: 'replace', path: p(k1), value: { layer: c1.to.layer, input: c2.to.input ?? 0 } },
    { op: 'replace', path: p(k2), value: { layer: c2.to.layer, input: c1.to.input ?? 0 } },
  ];
}

/** Sets (or, with undefined, unsets) one argument of a layer. */
export function argumentPatch(archId: string, a: Architecture, layer: string, arg: string, value: Json | undefined, rawLayer?: Json): PatchOp[] {
  const l = a.layers[layer];
  if (!l) return [];
  const args = pointer(...base(archId), 'layers', layer, 'arguments');
  const hasArgs = isObj(rawLayer) ? isObj(rawLayer.arguments) : true;
  if (value === undefined) return arg in l.arguments ? [{ op: 'remove', path: `${args}${pointer(arg)}` }] : [];
  if (!hasArgs) return [{ op: 'add', path: args, value: { [arg]: value } }];
  return [{ op: arg in l.arguments ? 'replace' : 'add', path: `${args}${pointer(arg)}`, value }];
}

/** The architecture with one argument changed (the analysis of a field while the user types). */
export function withArgument(a: Architecture, layer: string, arg: string, value: Json | undefined): Architecture {
  const l = a.layers[layer];
  if (!l) return a;
  const args = { ...l.arguments };
  if (value === undefined) delete args[arg];
  else args[arg] = value;
  return { ...a, layers: { ...a.layers, [layer]: { ...l, arguments: args } } };
}

/** A structure key: changes when layers or connections come or go, not when arguments change. */
export function structureKey(a: Architecture): string {
  const ls = Object.keys(a.layers).sort().join(',');
  const cs = Object.values(a.connections)
    .map((c) => `${c.from.layer}>${c.to.layer}`)
    .sort()
    .join(',');
  return `${ls}|${cs}`;
}

/** What the catalog says about a type (torch layers and the language's own nodes). */
export function specIndex(catalog: Catalog | null): Map<string, LayerSpec> {
  const m = new Map<string, LayerSpec>();
  if (!catalog) return m;
  for (const l of [...(catalog.language ?? []), ...(catalog.layers ?? [])]) m.set(l.name, l);
  return m;
}

/** Per layer, how many input and output indices its connections use (highest index + 1); one pass per architecture. */
const portsUsed = new WeakMap<Architecture, Map<string, { inputs: number; outputs: number }>>();

function usedPorts(a: Architecture, layer: string): { inputs: number; outputs: number } {
  let byLayer = portsUsed.get(a);
  if (!byLayer) {
    // architectures are never changed in place (an edit makes a new one), so this is computed once for each
    const m = new Map<string, { inputs: number; outputs: number }>();
    const of = (id: string) => {
      let e = m.get(id);
      if (!e) m.set(id, (e = { inputs: 0, outputs: 0 }));
      return e;
    };
    for (const c of Object.values(a.connections)) {
      const to = of(c.to.layer);
      to.inputs = Math.max(to.inputs, (c.to.input ?? 0) + 1);
      const from = of(c.from.layer);
      from.outputs = Math.max(from.outputs, (c.from.output ?? 0) + 1);
    }
    portsUsed.set(a, (byLayer = m));
  }
  return byLayer.get(layer) ?? { inputs: 0, outputs: 0 };
}

/** How many input handles a layer shows: its inputs (at least 1 unless it takes none), and every used index. */
export function inputCount(spec: LayerSpec | undefined, a: Architecture, layer: string): number {
  const declared = spec ? (spec.max_inputs === 0 ? 0 : Math.max(spec.inputs ?? 1, 1)) : 1;
  return Math.max(declared, usedPorts(a, layer).inputs);
}

export function outputCount(spec: LayerSpec | undefined, a: Architecture, layer: string, analysed?: LayerAnalysis): number {
  const declared = spec ? (spec.outputs === 0 ? 0 : Math.max(spec.outputs ?? analysed?.outputs?.length ?? 1, 1)) : 1;
  return Math.max(declared, usedPorts(a, layer).outputs);
}

export function isPythonName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}
