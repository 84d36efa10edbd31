// Turning what the user typed into an attribute value of the declared type (checked before sending).
import type { IfaceAttribute } from '../../shared/api';
import type { Json } from '../../shared/patch';

/** `value` undefined means "not set": the node falls back to the default. */
export type Coerced = { ok: true; value: Json | undefined } | { ok: false; error: string };

const bounds = (attr: IfaceAttribute, n: number): string | null => {
  if (typeof attr.min === 'number' && n < attr.min) return `${attr.name} must be at least ${attr.min}`;
  if (typeof attr.max === 'number' && n > attr.max) return `${attr.name} must be at most ${attr.max}`;
  return null;
};

/** The value for `raw` (a field's text, or a checkbox's state) under the attribute's type. */
export function coerceAttribute(attr: IfaceAttribute, raw: string | boolean): Coerced {
  if (typeof raw === 'boolean') {
    return attr.type === 'bool' || attr.type === 'any' ? { ok: true, value: raw } : { ok: false, error: `${attr.name} is not a bool` };
  }
  const text = raw.trim();
  if (text === '' && attr.type !== 'str') return { ok: true, value: undefined };
  switch (attr.type) {
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) return { ok: false, error: `${attr.name} must be a whole number` };
      const n = Number(text);
      const bad = bounds(attr, n);
      return bad ? { ok: false, error: bad } : { ok: true, value: n };
    }
    case 'float': {
      const n = Number(text);
      if (!Number.isFinite(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
        return { ok: false, error: `${attr.name} must be a number` };
      const bad = bounds(attr, n);
      return bad ? { ok: false, error: bad } : { ok: true, value: n };
    }
    case 'bool':
      if (text === 'true' || text === 'True') return { ok: true, value: true };
      if (text === 'false' || text === 'False') return { ok: true, value: false };
      return { ok: false, error: `${attr.name} must be true or false` };
    case 'str':
      return raw === '' ? { ok: true, value: undefined } : { ok: true, value: raw };
    case 'choice': {
      const choice = (attr.choices ?? []).find((c) => String(c) === raw);
      return choice !== undefined ? { ok: true, value: choice } : { ok: false, error: `${attr.name} must be one of ${(attr.choices ?? []).map(String).join(', ')}` };
    }
    case 'list':
    case 'dict': {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return { ok: false, error: `${attr.name} must be JSON (${attr.type === 'list' ? 'e.g. [1, 2]' : 'e.g. {"a": 1}'})` };
      }
      const isList = Array.isArray(v);
      const isDict = typeof v === 'object' && v !== null && !isList;
      if (attr.type === 'list' ? !isList : !isDict) return { ok: false, error: `${attr.name} must be a JSON ${attr.type === 'list' ? 'list' : 'object'}` };
      return { ok: true, value: v as Json };
    }
    default: {
      // `any`: JSON when it parses, else the text as a string
      try {
        return { ok: true, value: JSON.parse(text) as Json };
      } catch {
        return { ok: true, value: raw };
      }
    }
  }
}

/** The text a field shows for a stored value (undefined: empty, the default shows as placeholder). */
export function fieldText(attr: IfaceAttribute, value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (attr.type === 'list' || attr.type === 'dict' || (attr.type === 'any' && typeof value === 'object')) return JSON.stringify(value);
  return String(value);
}

/** A default shown as a placeholder. */
export function defaultText(attr: IfaceAttribute): string {
  if (!('default' in attr) || attr.default === undefined) return attr.required ? 'required' : '';
  return typeof attr.default === 'string' ? attr.default : JSON.stringify(attr.default);
}

/** Parses what the user typed as a Python-ish literal default: JSON, True/False/None, else a string. */
export function parseDefault(text: string): Json {
  const t = text.trim();
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  try {
    return JSON.parse(t) as Json;
  } catch {
    const quoted = /^'(.*)'$/.exec(t);
    return quoted ? quoted[1] : t;
  }
}

const PY_NUMBER = /^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?$/;

/**
 * A default as an interface edit sends it: a number goes as the Python text the user typed (`literal`),
 * so "3.0" stays a float and "1e-3" stays as written; anything else as a JSON value (parseDefault).
 */
export function defaultEdit(text: string): { literal: string } | { default: Json } {
  const t = text.trim();
  return PY_NUMBER.test(t) ? { literal: t } : { default: parseDefault(t) };
}
