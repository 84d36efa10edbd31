import { python } from '@codemirror/lang-python';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

interface Props {
  name: string;
  /** This side's text (the live document); the user edits it into the merge. */
  ours: string;
  /** The other side's text; null when the operation was deleted. */
  theirs: string | null;
  reason: string;
  /** The label of the button that takes the merged text (e.g. "Use this text", "Restore Scale with this text"). */
  action: string;
  onResolve: (merged: string) => void;
}

/**
 * Two versions of an operation's code side by side (@codemirror/merge): yours on the left, editable, the
 * other on the right; arrows copy a block across. Nothing is thrown away until the user takes the merge.
 */
export function CodeConflictDialog({ name, ours, theirs, reason, action, onResolve }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const merge = useRef<MergeView | null>(null);

  useEffect(() => {
    const view = new MergeView({
      a: { doc: ours, extensions: [basicSetup, python(), EditorView.contentAttributes.of({ 'aria-label': `Your version of ${name}` })] },
      b: {
        doc: theirs ?? '',
        extensions: [basicSetup, python(), EditorState.readOnly.of(true), EditorView.contentAttributes.of({ 'aria-label': `Their version of ${name}` })],
      },
      parent: host.current!,
      revertControls: theirs === null ? undefined : 'b-to-a',
      highlightChanges: true,
      gutter: true,
    });
    merge.current = view;
    return () => {
      view.destroy();
      merge.current = null;
    };
  }, [name, ours, theirs]);

  return (
    <div className="modal-backdrop">
      <div className="modal code-conflict-dialog" role="dialog" aria-label={`Merge ${name}`} data-testid="code-conflict">
        <h2>Merge {name}</h2>
        <p data-testid="code-conflict-reason">{reason}</p>
        <div className="code-conflict-heads">
          <span>Yours (edit this into the result)</span>
          <span>{theirs === null ? `Theirs: ${name} was deleted` : 'Theirs'}</span>
        </div>
        <div className="code-conflict-merge" ref={host} data-testid="code-conflict-merge" />
        <div className="modal-actions">
          <button data-testid="code-conflict-use" onClick={() => onResolve(merge.current?.a.state.doc.toString() ?? ours)}>
            {action}
          </button>
        </div>
      </div>
    </div>
  );
}
