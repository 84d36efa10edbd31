// A small SGR parser for console lines: colours 30–37/90–97 (and 40–47/100–107 backgrounds), bold,
// reset. Other escape sequences are dropped so they never show up as garbage.

export interface AnsiState { fg?: string; bg?: string; bold?: boolean }
export interface AnsiSegment extends AnsiState { text: string }

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** Applies one SGR parameter list ("1;31", "" = reset) to a state. */
export function applySgr(state: AnsiState, params: string): AnsiState {
  const next: AnsiState = { ...state };
  const codes = params === '' ? [0] : params.split(';').map((c) => (c === '' ? 0 : Number(c)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) {
      delete next.fg;
      delete next.bg;
      delete next.bold;
    } else if (c === 1) next.bold = true;
    else if (c === 22) delete next.bold;
    else if (c >= 30 && c <= 37) next.fg = NAMES[c - 30];
    else if (c >= 90 && c <= 97) next.fg = `bright-${NAMES[c - 90]}`;
    else if (c === 39) delete next.fg;
    else if (c >= 40 && c <= 47) next.bg = NAMES[c - 40];
    else if (c >= 100 && c <= 107) next.bg = `bright-${NAMES[c - 100]}`;
    else if (c === 49) delete next.bg;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) i += 2; // 256 colours: not drawn
    else if ((c === 38 || c === 48) && codes[i + 1] === 2) i += 4; // true colour: not drawn
  }
  return next;
}

// CSI sequences (ESC [ params final) and lone escapes
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-9;]*)([@-~])|\u001b[@-Z\\-_]?/g;

/**
 * Splits a line into styled segments. `state` is the style the line starts with (colours may carry
 * over from the previous line); the result's `state` is where it ends.
 */
export function parseAnsi(line: string, state: AnsiState = {}): { segments: AnsiSegment[]; state: AnsiState } {
  const segments: AnsiSegment[] = [];
  let cur = state;
  let last = 0;
  const push = (text: string) => {
    if (text) segments.push({ ...cur, text });
  };
  for (const m of line.matchAll(ESCAPE)) {
    push(line.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') cur = applySgr(cur, m[1]);
  }
  push(line.slice(last));
  return { segments, state: cur };
}

/** The line without escape sequences (for search). */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, '');
}

export interface Piece { text: string; match: boolean }

/**
 * Case-insensitive matches of `query` over the whole line's text (so a match may span colour
 * changes), cut back into each segment: one list of pieces per segment.
 */
export function highlightSegments(segments: AnsiSegment[], query: string): Piece[][] {
  if (!query) return segments.map((s) => [{ text: s.text, match: false }]);
  const line = segments.map((s) => s.text).join('').toLowerCase();
  const q = query.toLowerCase();
  const ranges: [number, number][] = [];
  for (let i = line.indexOf(q); i >= 0; i = line.indexOf(q, i + q.length)) ranges.push([i, i + q.length]);
  let offset = 0;
  return segments.map((s) => {
    const start = offset;
    const end = offset + s.text.length;
    offset = end;
    const pieces: Piece[] = [];
    let at = start;
    for (const [a, b] of ranges) {
      if (b <= start || a >= end) continue;
      const from = Math.max(a, start);
      const to = Math.min(b, end);
      if (from > at) pieces.push({ text: s.text.slice(at - start, from - start), match: false });
      pieces.push({ text: s.text.slice(from - start, to - start), match: true });
      at = to;
    }
    if (at < end || pieces.length === 0) pieces.push({ text: s.text.slice(at - start), match: false });
    return pieces;
  });
}
