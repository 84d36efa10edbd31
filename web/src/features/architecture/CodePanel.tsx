import { python } from '@codemirror/lang-python';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../shared/api';

interface Props {
  project: string;
  archId: string;
  /** The commit whose architecture the code is generated from. */
  head: string;
  fileName: string;
  /** What the code is written with: "PyTorch", "scikit-learn". */
  language: string;
  onClose: () => void;
}

/** The generated Python module of the saved architecture (PyTorch, scikit-learn, … as its kind says), read-only, with a download link. */
export function CodePanel({ project, archId, head, fileName, language, onClose }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    api.architectureCode(project, archId, head).then(
      (c) => {
        if (stale) return;
        setCode(c);
        setError(null);
      },
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [project, archId, head]);

  useEffect(() => {
    if (!host.current || code === null) return;
    if (!view.current) {
      view.current = new EditorView({
        parent: host.current,
        state: EditorState.create({ doc: code, extensions: [basicSetup, python(), EditorState.readOnly.of(true), EditorView.editable.of(false)] }),
      });
    } else if (view.current.state.doc.toString() !== code) {
      view.current.dispatch({ changes: { from: 0, to: view.current.state.doc.length, insert: code } });
    }
  }, [code]);
  useEffect(
    () => () => {
      view.current?.destroy();
      view.current = null;
    },
    [],
  );

  return (
    <section className="code-panel" data-testid="code-panel" aria-label="Generated code">
      <header className="code-panel-header">
        <strong data-testid="code-title">Generated {language} code</strong>
        <span className="muted small-text">(the saved architecture)</span>
        <span className="spacer" />
        <a className="button secondary small" data-testid="code-download" href={api.architectureCodeUrl(project, archId, head)} download={fileName}>
          Download .py
        </a>
        <button type="button" className="secondary small" data-testid="code-close" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p className="form-error code-panel-error" data-testid="code-error" role="alert">
          {error}
        </p>
      )}
      {code === null && !error && <p className="muted loading">Generating…</p>}
      <div className="code-panel-code" ref={host} data-testid="code-text" />
    </section>
  );
}
