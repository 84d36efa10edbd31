// RFC 6902 JSON Patch on plain JSON values. Never mutates its input; untouched subtrees are shared.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type PatchOp =
  | { op: 'add'; path: string; value: Json }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: Json }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: Json };

export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

/** Builds a JSON pointer from raw segments, escaping ~ and /. */
export function pointer(...segments: string[]): string {
  return segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`Invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function arrayIndex(arr: Json[], seg: string, forAdd: boolean, path: string): number {
  if (forAdd && seg === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(seg)) throw new PatchError(`Bad array index "${seg}" in ${path}`);
  const i = Number(seg);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`Index ${i} out of range in ${path}`);
  return i;
}

export function getAt(doc: Json, path: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of parsePointer(path)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

type Edit = (parent: Json, key: string, path: string) => Json;

/** Copies the containers along `segs` and lets `edit` change the last one. */
function update(doc: Json, segs: string[], path: string, edit: Edit): Json {
  if (segs.length === 0) throw new PatchError('Cannot edit the document root in place');
  const [head, ...rest] = segs;
  if (rest.length === 0) return edit(doc, head, path);
  if (Array.isArray(doc)) {
    const i = arrayIndex(doc, head, false, path);
    const copy = doc.slice();
    copy[i] = update(doc[i], rest, path, edit);
    return copy;
  }
  if (isObject(doc)) {
    if (!Object.prototype.hasOwnProperty.call(doc, head)) throw new PatchError(`Path ${path} does not exist`);
    return { ...doc, [head]: update(doc[head], rest, path, edit) };
  }
  throw new PatchError(`Path ${path} goes through a value that is not an object or array`);
}

function add(doc: Json, path: string, value: Json): Json {
  const segs = parsePointer(path);
  if (segs.length === 0) return value;
  return update(doc, segs, path, (parent, key) => {
    if (Array.isArray(parent)) {
      const copy = parent.slice();
      copy.splice(arrayIndex(parent, key, true, path), 0, value);
      return copy;
    }
    if (isObject(parent)) return { ...parent, [key]: value };
    throw new PatchError(`Cannot add ${path}: its parent is not an object or array`);
  });
}

function remove(doc: Json, path: string): Json {
  const segs = parsePointer(path);
  if (segs.length === 0) throw new PatchError('Cannot remove the document root');
  return update(doc, segs, path, (parent, key) => {
    if (Array.isArray(parent)) {
      const copy = parent.slice();
      copy.splice(arrayIndex(parent, key, false, path), 1);
      return copy;
    }
    if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) {
      const copy = { ...parent };
      delete copy[key];
      return copy;
    }
    throw new PatchError(`Cannot remove ${path}: it does not exist`);
  });
}

function replace(doc: Json, path: string, value: Json): Json {
  const segs = parsePointer(path);
  if (segs.length === 0) return value;
  if (getAt(doc, path) === undefined) throw new PatchError(`Cannot replace ${path}: it does not exist`);
  return update(doc, segs, path, (parent, key) => {
    if (Array.isArray(parent)) {
      const copy = parent.slice();
      copy[arrayIndex(parent, key, false, path)] = value;
      return copy;
    }
    return { ...(parent as { [key: string]: Json }), [key]: value };
  });
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function applyOp(doc: Json, op: PatchOp): Json {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, op.value);
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      return replace(doc, op.path, op.value);
    case 'move': {
      if (op.path.startsWith(op.from + '/')) throw new PatchError(`Cannot move ${op.from} into itself`);
      const value = getAt(doc, op.from);
      if (value === undefined) throw new PatchError(`Cannot move ${op.from}: it does not exist`);
      if (op.from === op.path) return doc;
      return add(remove(doc, op.from), op.path, value);
    }
    case 'copy': {
      const value = getAt(doc, op.from);
      if (value === undefined) throw new PatchError(`Cannot copy ${op.from}: it does not exist`);
      return add(doc, op.path, value);
    }
    case 'test':
      if (!deepEqual(getAt(doc, op.path), op.value)) throw new PatchError(`Test failed at ${op.path}`);
      return doc;
    default:
      throw new PatchError(`Unknown patch op ${JSON.stringify(op)}`);
  }
}

/** Applies all ops in order; throws PatchError (and leaves `doc` untouched) if any fails. */
export function applyPatch<T extends Json>(doc: T, ops: readonly PatchOp[]): T {
  let cur: Json = doc;
  for (const op of ops) cur = applyOp(cur, op);
  return cur as T;
}
