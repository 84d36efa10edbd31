// The buttons both graph editors' toolbars have: undo and redo, folding blocks. `testIdPrefix` keeps each
// editor's test ids ("undo" in the pipeline editor, "arch-undo" in the architecture editor).
import type { Block } from './blocks';
import type { Folding } from './GraphCanvas';

interface UndoRedoProps {
  testIdPrefix: string;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undo: () => unknown;
  redo: () => unknown;
}

export function UndoRedoButtons({ testIdPrefix, readOnly, canUndo, canRedo, undo, redo }: UndoRedoProps) {
  return (
    <>
      <button className="secondary small" data-testid={`${testIdPrefix}undo`} disabled={readOnly || !canUndo} onClick={() => void undo()} title="Undo (Ctrl/Cmd-Z)">
        ↶ Undo
      </button>
      <button className="secondary small" data-testid={`${testIdPrefix}redo`} disabled={readOnly || !canRedo} onClick={() => void redo()} title="Redo (Ctrl-Y, Shift-Ctrl/Cmd-Z)">
        ↷ Redo
      </button>
    </>
  );
}

interface FoldingProps {
  testIdPrefix: string;
  folding: Folding;
  /** The block of the one selected node, if any: it can be collapsed. */
  selected: Block | undefined;
  /** What a block is called here ("chain", "block"). */
  noun: string;
  title: string;
  collapseTitle?: (b: Block) => string;
}

export function FoldingButtons({ testIdPrefix, folding, selected, noun, title, collapseTitle }: FoldingProps) {
  const { blocks, collapsed } = folding;
  return (
    <>
      {blocks.length > 0 && (
        <button className="secondary small" data-testid={`${testIdPrefix}blocks-toggle`} data-collapsed={collapsed.size} onClick={folding.toggleAll} title={title}>
          {collapsed.size > 0 ? `Expand all ${noun}s (${collapsed.size})` : `Collapse ${noun}s (${blocks.length})`}
        </button>
      )}
      {selected && !collapsed.has(selected.id) && (
        <button className="secondary small" data-testid={`${testIdPrefix}block-collapse`} onClick={() => folding.collapseBlock(selected.id)} title={collapseTitle?.(selected)}>
          Collapse {noun}
        </button>
      )}
    </>
  );
}
