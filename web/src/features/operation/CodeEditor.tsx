import { Annotation, Compartment, EditorState, Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { pythonEditing, type Analyse } from './pythonEditing';
import { minimalChange } from '../../shared/textChange';

/** What the operation editor asks of the code editor. */
export interface CodeEditorHandle {
  /** Replaces the text by changing only the span that differs, so the cursor stays where it was. */
  setText: (text: string) => void;
  getText: () => string;
  focus: () => void;
  /** The CodeMirror view, for extensions added from outside (co-editing: code/collab.ts). */
  view: () => EditorView | null;
}

interface Props {
  initial: string;
  readOnly: boolean;
  /** 1-based line to mark as the syntax error, or null. */
  errorLine: number | null;
  onChange: (text: string) => void;
  onSave: () => void;
  handle: Ref<CodeEditorHandle>;
  /** Analyses the text for lint markers (syntax errors, undefined names, unresolved imports). */
  analyse?: Analyse;
}

/** Marks text set from outside, so it is not reported back as typing. */
const External = Annotation.define<boolean>();

const setErrorLine = StateEffect.define<number | null>();
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      const line = e.value;
      next =
        line !== null && line >= 1 && line <= tr.state.doc.lines
          ? Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(tr.state.doc.line(line).from)])
          : Decoration.none;
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** CodeMirror 6 with Python editing (features/operation/pythonEditing.ts); Ctrl/Cmd-S saves. */
export function CodeEditor({ initial, readOnly, errorLine, onChange, onSave, handle, analyse }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const editable = useRef(new Compartment());
  const callbacks = useRef({ onChange, onSave, analyse });
  callbacks.current = { onChange, onSave, analyse };

  useEffect(() => {
    const extensions: Extension[] = [
      pythonEditing({ analyse: () => callbacks.current.analyse }),
      Prec.highest(
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              callbacks.current.onSave();
              return true;
            },
          },
        ]),
      ),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !u.transactions.some((t) => t.annotation(External))) callbacks.current.onChange(u.state.doc.toString());
      }),
      editable.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
      errorLineField,
      EditorView.contentAttributes.of({ 'aria-label': 'Operation code' }),
    ];
    const v = new EditorView({ parent: host.current!, state: EditorState.create({ doc: initial, extensions }) });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // the editor is made once; later text comes through setText
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({ effects: setErrorLine.of(errorLine) });
  }, [errorLine]);

  useImperativeHandle(
    handle,
    () => ({
      setText: (text) => {
        const v = view.current;
        if (!v) return;
        const change = minimalChange(v.state.doc.toString(), text);
        if (change) v.dispatch({ changes: change, annotations: External.of(true) });
      },
      getText: () => view.current?.state.doc.toString() ?? '',
      focus: () => view.current?.focus(),
      view: () => view.current,
    }),
    [],
  );

  return <div className="code-editor" data-testid="op-editor" ref={host} />;
}
