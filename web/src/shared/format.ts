// Small display helpers.
import type { Json } from './patch';

export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  const units: [number, string][] = [
    [86400 * 365, 'year'],
    [86400 * 30, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  const [size, name] = units.find(([u]) => s >= u) ?? units[units.length - 1];
  const n = Math.max(1, Math.floor(s / size));
  return `${n} ${name}${n === 1 ? '' : 's'} ago`;
}

export const shortId = (commit: string) => commit.slice(0, 7);

/** JSON on one line, cut to `max` characters. */
export function brief(value: Json | undefined, max = 80): string {
  if (value === undefined) return '(none)';
  const s = JSON.stringify(value);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
  return (words[0][0] + words[words.length - 1][0]).toUpperCase();
}

/** A stable hue per user so the same person keeps the same colour everywhere. */
export function userHue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random 8-character entry id (model ids allow A-Z a-z 0-9 _ -). */
export function randomId(taken: Record<string, unknown> = {}): string {
  for (;;) {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    const id = Array.from(bytes, (b) => ID_CHARS[b % ID_CHARS.length]).join('');
    if (!(id in taken)) return id;
  }
}

const PY_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

export function isPythonIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name);
}
