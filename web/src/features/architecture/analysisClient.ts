// The editor's analysis round trips: the first sends the whole architecture, each later edit only a JSON merge
// patch of the last one the server analysed, and gets back only what changed (docs/architectures.md).
import { api, ApiError } from '../../shared/api';
import type { Analysis, AnalysisChanges } from './model';

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => present(b as Record<string, unknown>, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A member that JSON would write (JSON.stringify leaves out undefined ones). */
const present = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;

const hasNull = (v: unknown): boolean => v === null || (typeof v === 'object' && Object.values(v as object).some(hasNull));

/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`, or undefined when none can: a merge patch
 * cannot set a value to null (null deletes), so such a change goes whole.
 */
export function mergeDiff(from: Record<string, JsonValue>, to: Record<string, JsonValue>): Record<string, JsonValue> | undefined {
  const patch: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const was = from[k];
    if (present(from, k) && same(was, v)) continue;
    if (isObject(was) && isObject(v)) {
      const inner = mergeDiff(was, v);
      if (inner === undefined) return undefined;
      patch[k] = inner;
    } else if (hasNull(v)) {
      return undefined;
    } else {
      patch[k] = v;
    }
  }
  for (const k of Object.keys(from)) if (present(from, k) && !present(to, k)) patch[k] = null;
  return patch;
}

/** The analysis after the changes: what `changes` gives replaces or adds, what it removes goes. */
export function applyChanges(base: Analysis, changes: AnalysisChanges): Analysis {
  const shapes = { ...base.shapes, ...changes.shapes };
  const layers = { ...base.layers, ...changes.layers };
  for (const id of changes.removed.shapes) delete shapes[id];
  for (const id of changes.removed.layers) delete layers[id];
  return {
    shapes,
    layers,
    parameters: changes.parameters,
    ...(changes.partialParameters !== undefined ? { partialParameters: changes.partialParameters } : {}),
    errors: changes.errors ?? base.errors,
  };
}

interface Last { project: string; id: string; sent: Record<string, JsonValue>; analysis: Analysis }

/** One editor's analyses: remembers the last answered one to send the next edit as a patch of it. */
export class AnalysisClient {
  private last: Last | null = null;

  /** The analysis of `sent`, an architecture as the model view has it (JSON: never changed afterwards). */
  async analyse(project: string, sent: object): Promise<Analysis> {
    const architecture = sent as Record<string, JsonValue>;
    const last = this.last;
    const patch = last && last.project === project ? mergeDiff(last.sent, architecture) : undefined;
    if (last && patch !== undefined) {
      try {
        const r = await api.analyzeArchitectureChange(project, last.id, patch);
        const analysis = applyChanges(last.analysis, r.changes);
        this.last = r.id ? { project, id: r.id, sent: architecture, analysis } : null;
        return analysis;
      } catch (e) {
        // 412: the server no longer keeps that analysis (restarted, or pushed out): send it whole
        if (!(e instanceof ApiError && e.status === 412)) throw e;
        this.last = null;
      }
    }
    let id: string | null = null;
    const analysis = await api.analyzeArchitecture(project, architecture, (h) => (id = h));
    this.last = id ? { project, id, sent: architecture, analysis } : null;
    return analysis;
  }
}
