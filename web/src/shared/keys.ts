import { useEffect, useRef, type RefObject } from 'react';

/** True while the user types in a field, where keyboard shortcuts belong to the field. */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/** What a graph editor does on its keyboard shortcuts. */
export interface CanvasActions {
  undo: () => unknown;
  redo: () => unknown;
  /** Deletes the canvas selection; false when there was nothing to delete. */
  deleteSelection: () => boolean;
  onEscape?: () => void;
}

/**
 * The graph editors' shortcuts: Ctrl/Cmd-Z and Shift-Ctrl/Cmd-Z or Ctrl/Cmd-Y undo and redo, Delete/Backspace
 * removes the selection while the canvas (or nothing in particular) has focus, `/` searches the palette,
 * Escape calls {@code onEscape}. Never while the user types in a field.
 */
export function useCanvasKeys(actions: CanvasActions, canvasRef: RefObject<HTMLElement | null>, searchRef: RefObject<HTMLInputElement | null>) {
  const keys = useRef(actions);
  keys.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && !e.altKey && k === 'z') {
        e.preventDefault();
        void (e.shiftKey ? keys.current.redo() : keys.current.undo());
      } else if (mod && !e.altKey && k === 'y') {
        e.preventDefault();
        void keys.current.redo();
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) {
        const t = e.target;
        const onCanvas = t === document.body || t === null || (t instanceof Node && !!canvasRef.current?.contains(t));
        if (onCanvas && keys.current.deleteSelection()) e.preventDefault();
      } else if (e.key === '/' && !mod && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === 'Escape') {
        keys.current.onEscape?.();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [canvasRef, searchRef]);
}
