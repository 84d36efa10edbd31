// Port types, as the server checks them (ops/.../pipeline/TypeNames.java; docs/operations.md, "Port types").
// The client asks first so a refused connection is explained at once; the server stays authoritative.

/** Types whose values the check knows well enough to refuse a mismatch. */
export const KNOWN_TYPES = new Set([
  'int', 'float', 'bool', 'str', 'bytes', 'complex', 'list', 'tuple', 'dict', 'set', 'frozenset', 'file',
  'numpy.ndarray', 'torch.Tensor', 'torch.nn.Module', 'pandas.DataFrame', 'pandas.Series', 'PIL.Image.Image',
]);

const ANY = new Set(['Any', 'any', 'object', 'typing.Any']);

const ALIASES: Record<string, string> = {
  List: 'list', Tuple: 'tuple', Dict: 'dict', Set: 'set', FrozenSet: 'frozenset', Text: 'str',
  'np.ndarray': 'numpy.ndarray', ndarray: 'numpy.ndarray', 'numpy.array': 'numpy.ndarray', NDArray: 'numpy.ndarray',
  'numpy.typing.NDArray': 'numpy.ndarray', 'npt.NDArray': 'numpy.ndarray', Tensor: 'torch.Tensor',
  'nn.Module': 'torch.nn.Module', 'pd.DataFrame': 'pandas.DataFrame', DataFrame: 'pandas.DataFrame',
  'pd.Series': 'pandas.Series', 'deepforge.File': 'file', File: 'file', 'Image.Image': 'PIL.Image.Image',
};

function unquote(t: string): string {
  const s = t.trim();
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1).trim() : s;
}

/** Splits at separators outside brackets. */
function split(t: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(t.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(t.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function canonical(t: string): string {
  let c = t.startsWith('typing.') ? t.slice(7) : t;
  c = ALIASES[c] ?? c;
  return c.startsWith('np.') ? 'numpy.' + c.slice(3) : c;
}

function collect(type: string, out: string[], depth: number): void {
  if (depth > 8 || type === '' || type === 'None') return;
  let t = unquote(type);
  if (t.startsWith('typing.')) t = t.slice(7);
  const bar = split(t, '|');
  if (bar.length > 1) {
    bar.forEach((p) => collect(p, out, depth + 1));
    return;
  }
  const open = t.indexOf('[');
  const head = open < 0 ? t : t.slice(0, open);
  const args = open < 0 || !t.endsWith(']') ? '' : t.slice(open + 1, -1);
  if (head === 'Optional' || head === 'Union') {
    split(args, ',').forEach((p) => collect(p, out, depth + 1));
    return;
  }
  if (head === 'Annotated') {
    const first = split(args, ',')[0];
    if (first) collect(first, out, depth + 1);
    return;
  }
  out.push(canonical(head));
}

/** The members of a type, normalised (several for a union; none when anything fits). */
export function typeAlternatives(type: string): string[] {
  const out: string[] = [];
  collect(unquote(type).replace(/\s+/g, ''), out, 0);
  return out.some((t) => ANY.has(t)) ? [] : out;
}

function suffix(longer: string, shorter: string): boolean {
  return shorter !== '' && longer.endsWith('.' + shorter) && !KNOWN_TYPES.has(shorter);
}

function fits(a: string, b: string): boolean {
  if (a === b || suffix(a, b) || suffix(b, a)) return true;
  if (a === 'bool' && b === 'int') return true;
  if ((a === 'bool' || a === 'int') && (b === 'float' || b === 'complex')) return true;
  return !(KNOWN_TYPES.has(a) && KNOWN_TYPES.has(b));
}

/**
 * Whether an output of type `outType` may feed an input of type `inType`: untyped, `Any` and `object`
 * take anything; Optional/unions/generics are read as the server reads them; two different types are
 * refused only when the check knows both (a class it does not know may be a subclass).
 */
export function typesCompatible(outType: string | null | undefined, inType: string | null | undefined): boolean {
  if (outType == null || inType == null || outType.trim() === '' || inType.trim() === '') return true;
  const as = typeAlternatives(outType);
  const bs = typeAlternatives(inType);
  if (as.length === 0 || bs.length === 0) return true;
  return as.some((a) => bs.some((b) => fits(a, b)));
}
