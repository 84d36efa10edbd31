import { insertBracket } from '@codemirror/autocomplete';
import { indentLess, indentMore, insertNewlineAndIndent, toggleComment } from '@codemirror/commands';
import { ensureSyntaxTree, getIndentUnit } from '@codemirror/language';
import { EditorSelection, EditorState, Text, type StateCommand, type Transaction } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { dedentAfter, detectIndentUnit, diagnosticsFor, markersOf, pythonEditing } from './pythonEditing';

function editor(doc: string, cursor = doc.length): EditorState {
  return EditorState.create({ doc, selection: EditorSelection.cursor(cursor), extensions: pythonEditing() });
}

function run(state: EditorState, command: StateCommand): EditorState {
  ensureSyntaxTree(state, state.doc.length, 5000);
  let next = state;
  const ran = command({ state, dispatch: (tr: Transaction) => (next = tr.state) });
  expect(ran).toBe(true);
  return next;
}

function typeText(state: EditorState, text: string): EditorState {
  return state.update(state.replaceSelection(text)).state;
}

/** Types lines as a user does: the text of each, then Enter (the editor's indentation, not ours). */
function typeLines(state: EditorState, lines: string[]): EditorState {
  let s = state;
  lines.forEach((line, i) => {
    s = typeText(s, line);
    if (i < lines.length - 1) s = run(s, insertNewlineAndIndent);
  });
  return s;
}

const CLASS = 'class Scale:\n    def __init__(self, factor=2):\n        self.factor = factor\n\n    def execute(self, x):';

describe('detectIndentUnit', () => {
  it('reads the step a block body adds, defaulting to PEP 8', () => {
    expect(detectIndentUnit(CLASS + '\n        return x\n')).toBe('    ');
    expect(detectIndentUnit('def f():\n  if x:\n    return 1\n  return 2\n')).toBe('  ');
    expect(detectIndentUnit('def f():\n\tif x:\n\t\treturn 1\n')).toBe('\t');
    expect(detectIndentUnit('')).toBe('    ');
    expect(detectIndentUnit('x = 1\n')).toBe('    ');
  });

  it('ignores continuation lines, comments and docstrings', () => {
    const code = 'def f(a,\n      b):  # note:\n    """Doc:\n          indented text:\n    """\n    return a + b\n';
    expect(detectIndentUnit(code)).toBe('    ');
  });

  it('sets the editor indent unit from the text', () => {
    expect(getIndentUnit(editor(CLASS))).toBe(4);
    expect(getIndentUnit(editor('def f():\n  return 1\n'))).toBe(2);
  });
});

describe('typing a method body', () => {
  it('indents by the file unit, so Enter inside a 4-space method gives 8 spaces, and dedents after return', () => {
    let s = run(editor(CLASS), insertNewlineAndIndent);
    s = typeLines(s, ['y = x * self.factor', 'return y', '']);
    expect(s.doc.toString()).toBe(CLASS + '\n        y = x * self.factor\n        return y\n    ');
    s = typeText(s, 'def other(self):');
    s = run(s, insertNewlineAndIndent);
    s = typeText(s, 'pass');
    expect(s.doc.toString()).toContain('\n    def other(self):\n        pass');
  });

  it('dedents after pass, raise, break and continue but not inside an open bracket', () => {
    expect(dedentAfter('        return x', 8, 4)).toBe(4);
    expect(dedentAfter('    pass  # done', 4, 4)).toBe(0);
    expect(dedentAfter('            raise ValueError("x")', 12, 4)).toBe(8);
    expect(dedentAfter('        break', 8, 4)).toBe(4);
    expect(dedentAfter('        continue', 8, 4)).toBe(4);
    expect(dedentAfter('        return f(a,', 8, 4)).toBeNull();
    expect(dedentAfter('        return a, \\', 8, 4)).toBeNull();
    expect(dedentAfter('        returned = 1', 8, 4)).toBeNull();
    expect(dedentAfter('        x = 1', 8, 4)).toBeNull();
  });

  it('keeps a 2-space file 2-space', () => {
    let s = run(editor('def f(x):\n  if x:'), insertNewlineAndIndent);
    s = typeText(s, 'return 1');
    s = run(s, insertNewlineAndIndent);
    s = typeText(s, 'return 2');
    expect(s.doc.toString()).toBe('def f(x):\n  if x:\n    return 1\n  return 2');
  });
});

describe('Tab and Shift-Tab', () => {
  it('indent and dedent every selected line by the unit', () => {
    const doc = 'def f():\n    a = 1\n    b = 2\n';
    const s0 = EditorState.create({ doc, selection: EditorSelection.range(9, doc.length - 1), extensions: pythonEditing() });
    const more = run(s0, indentMore);
    expect(more.doc.toString()).toBe('def f():\n        a = 1\n        b = 2\n');
    const back = run(run(more, indentLess), indentLess);
    expect(back.doc.toString()).toBe('def f():\na = 1\nb = 2\n');
  });
});

describe('brackets and comments', () => {
  it('closes brackets and toggles line comments', () => {
    const s = editor('x = ', 4);
    const tr = insertBracket(s, '(');
    expect(tr).not.toBeNull();
    expect(tr!.state.doc.toString()).toBe('x = ()');
    const commented = run(editor('a = 1\nb = 2', 0), toggleComment);
    expect(commented.doc.toString()).toBe('# a = 1\nb = 2');
    expect(run(commented, toggleComment).doc.toString()).toBe('a = 1\nb = 2');
  });
});

describe('lint markers', () => {
  const doc = Text.of(['import nope', 'class Op:', '    def execute(self):', '        return factr']);

  it('turns the analysis lint into diagnostics at the right span', () => {
    const markers = markersOf({
      syntaxError: null,
      lint: [
        { line: 1, col: 7, endCol: 11, severity: 'error', kind: 'unresolved-import', message: "no module named 'nope'" },
        { line: 4, col: 15, severity: 'error', kind: 'undefined-name', message: "undefined name 'factr'" },
      ],
    });
    const d = diagnosticsFor(doc, markers);
    expect(d.map((x) => doc.sliceString(x.from, x.to))).toEqual(['nope', 'factr']);
    expect(d.map((x) => x.severity)).toEqual(['error', 'error']);
    expect(d[1].message).toBe("undefined name 'factr'");
  });

  it('shows a syntax error instead of lint, and clamps positions past the end', () => {
    const d = diagnosticsFor(doc, markersOf({ syntaxError: { message: 'invalid syntax', line: 9, col: 40 }, lint: [] }));
    expect(d).toHaveLength(1);
    expect(d[0].message).toBe('SyntaxError: invalid syntax');
    expect(d[0].from).toBeLessThanOrEqual(doc.length);
    expect(markersOf(null)).toEqual([]);
    expect(markersOf({ syntaxError: null })).toEqual([]);
  });
});
