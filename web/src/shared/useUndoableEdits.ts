// Edits through change sets with undo and redo of the user's own edits, shared by the graph editors.
import { useCallback, useReducer, useRef } from 'react';
import type { Json, PatchOp } from './patch';
import { UndoHistory } from './undo';

type ApplyChange = (patch: PatchOp[], message: string) => Promise<boolean>;

/**
 * `edit` applies a change set and records its inverse; `undo`/`redo` apply those as new change sets
 * (an undo that no longer applies because others changed the same things is dropped). `history` is for
 * enabling the buttons (`canUndo()`, `canRedo()`).
 */
export function useUndoableEdits(applyChange: ApplyChange, model: unknown, readOnly: boolean) {
  const history = useRef(new UndoHistory());
  const [, bump] = useReducer((x: number) => x + 1, 0);
  const modelRef = useRef(model);
  modelRef.current = model;

  const edit = useCallback(
    async (patch: PatchOp[], message: string) => {
      if (patch.length === 0) return true;
      const before = modelRef.current as Json;
      const ok = await applyChange(patch, message);
      if (ok) {
        history.current.record(before, patch, message);
        bump();
      }
      return ok;
    },
    [applyChange],
  );

  const busy = useRef(false);
  const undo = useCallback(async () => {
    const e = history.current.peekUndo();
    if (!e || busy.current || readOnly) return;
    busy.current = true;
    try {
      if (await applyChange(e.inverse, `Undo: ${e.message}`)) history.current.undone();
      else history.current.dropUndo(); // it cannot apply any more (others changed the same things)
    } finally {
      busy.current = false;
      bump();
    }
  }, [applyChange, readOnly]);

  const redo = useCallback(async () => {
    const e = history.current.peekRedo();
    if (!e || busy.current || readOnly) return;
    busy.current = true;
    try {
      const before = modelRef.current as Json;
      if (await applyChange(e.patch, `Redo: ${e.message}`)) history.current.redone(before);
      else history.current.dropRedo();
    } finally {
      busy.current = false;
      bump();
    }
  }, [applyChange, readOnly]);

  return { edit, undo, redo, history: history.current, modelRef };
}
