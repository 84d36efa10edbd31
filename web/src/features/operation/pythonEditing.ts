/**
 * The operation editor's Python editing behaviour (docs/operations.md, "The code editor"): indentation
 * taken from the file (PEP 8's 4 spaces when it says nothing), Tab/Shift-Tab indent and dedent, a
 * dedent after `return`/`pass`/`raise`/`break`/`continue` on Enter, brackets matched and closed,
 * comment toggle, search and replace, go-to-line, and lint markers from the server's analysis.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab, toggleComment } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  indentService,
  indentUnit,
  syntaxHighlighting,
  type IndentContext,
} from '@codemirror/language';
import { linter, lintGutter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import { gotoLine, highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { EditorState, Prec, type Extension, type Text } from '@codemirror/state';
import {
  crosshairCursor,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import type { OperationInterface } from '../../shared/api';

/** PEP 8's indentation, used when the file does not show one. */
export const DEFAULT_INDENT = '    ';
/** Only this many lines are looked at to find a file's indentation (it is computed per change). */
const DETECT_LINES = 2000;

/**
 * The indentation unit a Python file uses: what a block opener's (a line ending in `:`) body adds to
 * its indentation, the most common such step winning; a tab when the bodies are tab-indented;
 * {@link DEFAULT_INDENT} when the file has no indented block.
 */
export function detectIndentUnit(text: string): string {
  const steps = new Map<string, number>();
  let prev: { indent: string; opener: boolean } | null = null;
  let inString: string | null = null;
  const lines = text.split(/\r\n|\r|\n/, DETECT_LINES);
  for (const line of lines) {
    if (inString) {
      if (countOf(line, inString) % 2 === 1) inString = null;
      continue;
    }
    const code = stripComment(line);
    if (code.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (prev?.opener && indent.length > prev.indent.length && indent.startsWith(prev.indent)) {
      const step = indent.slice(prev.indent.length);
      if (/^( +|\t)$/.test(step) && step.length <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    prev = { indent, opener: /:\s*$/.test(code) };
    for (const q of ['"""', "'''"]) if (countOf(code, q) % 2 === 1) inString = q;
  }
  let best = DEFAULT_INDENT;
  let count = 0;
  for (const [step, n] of steps) {
    if (n > count || (n === count && step === DEFAULT_INDENT)) {
      best = step;
      count = n;
    }
  }
  return best;
}

function countOf(line: string, needle: string): number {
  return line.split(needle).length - 1;
}

/** The line without a trailing `#` comment (a `#` inside a one-line string is kept). */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** A simple statement after which the block ends, so the next line dedents. */
const BLOCK_END = /^\s*(return|pass|raise|break|continue)\b/;

/**
 * The indentation (in columns) of the line after `lineBefore` when the user presses Enter at its end:
 * one unit less after a complete `return`/`pass`/`raise`/`break`/`continue`, else null (no opinion).
 */
export function dedentAfter(lineBefore: string, indentColumns: number, unitColumns: number): number | null {
  if (!BLOCK_END.test(lineBefore)) return null;
  const code = stripComment(lineBefore).trimEnd();
  if (/[\\,]$/.test(code) || !bracketsClosed(code)) return null; // the statement goes on
  return Math.max(0, indentColumns - unitColumns);
}

function bracketsClosed(code: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
  }
  return depth <= 0 && quote === null;
}

const dedentOnEnter = indentService.of((cx: IndentContext, pos: number) => {
  const before = cx.lineAt(pos, -1);
  // only for a line break at `pos` (Enter), where the line before ends there; never for a re-indent
  if (before.from >= pos || before.from + before.text.length !== pos) return undefined;
  const cols = dedentAfter(before.text, cx.lineIndent(before.from, -1), cx.unit);
  return cols ?? undefined;
});

/** The unit follows the file: recomputed when the text changes, so a pasted 2-space file edits as one. */
const fileIndentUnit = indentUnit.compute(['doc'], (state) => detectIndentUnit(state.doc.sliceString(0, 200_000)));

/** One problem the analysis reports for the code: a syntax error or a lint item. */
export interface AnalysisMarker {
  line: number;
  /** 0-based, in characters. */
  col: number;
  endCol?: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
  source: string;
}

/** The analysis result as markers: the syntax error, else the lint items (undefined names, imports). */
export function markersOf(iface: Pick<OperationInterface, 'syntaxError' | 'lint'> | null | undefined): AnalysisMarker[] {
  if (!iface) return [];
  if (iface.syntaxError) {
    const e = iface.syntaxError;
    return [{ line: e.line, col: e.col, message: `SyntaxError: ${e.message}`, severity: 'error', source: 'syntax' }];
  }
  return (iface.lint ?? []).map((l) => ({
    line: l.line,
    col: l.col,
    endCol: l.endCol,
    message: l.message,
    severity: l.severity === 'warning' || l.severity === 'info' ? l.severity : 'error',
    source: l.kind,
  }));
}

/** Markers as CodeMirror diagnostics on `doc`, clamped to it (a marker past the end marks the last line). */
export function diagnosticsFor(doc: Text, markers: AnalysisMarker[]): Diagnostic[] {
  return markers.map((m) => {
    const line = doc.line(Math.min(Math.max(1, m.line), doc.lines));
    const from = line.from + Math.min(Math.max(0, m.col), line.length);
    let to = m.endCol !== undefined ? line.from + Math.min(Math.max(m.col, m.endCol), line.length) : from;
    if (to === from) {
      // no span given: the word at the column, else to the end of the line
      const word = /^[\w.]+/.exec(line.text.slice(from - line.from));
      to = word && word[0].length ? from + word[0].length : line.to;
    }
    return { from, to, severity: m.severity, message: m.message, source: m.source };
  });
}

/** Asks the server's analysis about the code; null when it cannot answer now. */
export type Analyse = (code: string) => Promise<Pick<OperationInterface, 'syntaxError' | 'lint'> | null>;

export interface PythonEditingOptions {
  /** Where lint markers come from; without it the editor shows none. */
  analyse?: () => Analyse | undefined;
  /** Milliseconds of quiet typing before the code is analysed. */
  lintDelay?: number;
}

/** Everything the operation editor needs for editing Python (replaces `basicSetup` + `python()`). */
export function pythonEditing(options: PythonEditingOptions = {}): Extension[] {
  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    // Enter ends the line unless a completion was picked with the arrow keys (typing code line by line stays typing)
    autocompletion({ selectOnOpen: false }),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    python(),
    fileIndentUnit,
    EditorState.tabSize.of(4),
    dedentOnEnter,
    // above the default keymap: Ctrl-G is go-to-line here (F3 still finds the next match)
    Prec.high(
      keymap.of([
        { key: 'Mod-g', run: gotoLine, preventDefault: true },
        { key: 'Alt-g', run: gotoLine, preventDefault: true },
        { key: 'Mod-/', run: toggleComment, preventDefault: true },
      ]),
    ),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...foldKeymap,
      ...completionKeymap,
      ...lintKeymap,
      // Tab indents; Escape then Tab still moves the focus out of the editor (CodeMirror's tab focus mode)
      indentWithTab,
    ]),
    lintGutter(),
    // CodeMirror arms its tab focus mode on an Escape no command took; an Escape that only collapsed a
    // selection or closed a panel must arm it too, or Escape-then-Tab indents instead of leaving
    Prec.highest(
      EditorView.domEventHandlers({
        keydown(event, view) {
          if (event.key === 'Escape') view.setTabFocusMode(2000);
          return false;
        },
      }),
    ),
  ];
  const analyse = options.analyse;
  if (analyse) {
    extensions.push(
      linter(
        async (view) => {
          const fn = analyse();
          if (!fn) return [];
          const doc = view.state.doc;
          const result = await fn(doc.toString()).catch(() => null);
          return result ? diagnosticsFor(doc, markersOf(result)) : [];
        },
        { delay: options.lintDelay ?? 400 },
      ),
    );
  }
  return extensions;
}
