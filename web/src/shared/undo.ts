// Undo/redo of the user's own edits as inverse change sets (never a rewind of the branch: other
// people's edits made meanwhile stay).
import { applyPatch, getAt, type Json, type PatchOp } from './patch';

/**
 * The ops that undo `patch` when applied to the document `patch` produced from `doc`. Array-index
 * paths are not used by the editors, so only object members are handled exactly.
 */
export function invertPatch(doc: Json, patch: readonly PatchOp[]): PatchOp[] {
  // one group of inverse ops per forward op; the groups run in reverse order
  const groups: PatchOp[][] = [];
  let cur = doc;
  for (const op of patch) {
    const group: PatchOp[] = [];
    switch (op.op) {
      case 'add':
      case 'replace':
      case 'copy': {
        const before = getAt(cur, op.path);
        group.push(before === undefined ? { op: 'remove', path: op.path } : { op: 'replace', path: op.path, value: before });
        break;
      }
      case 'remove': {
        const before = getAt(cur, op.path);
        if (before !== undefined) group.push({ op: 'add', path: op.path, value: before });
        break;
      }
      case 'move': {
        const overwritten = getAt(cur, op.path);
        group.push({ op: 'move', from: op.path, path: op.from });
        if (overwritten !== undefined) group.push({ op: 'add', path: op.path, value: overwritten });
        break;
      }
      case 'test':
        break;
    }
    groups.push(group);
    cur = applyPatch(cur, [op]);
  }
  return groups.reverse().flat();
}

export interface UndoEntry { patch: PatchOp[]; inverse: PatchOp[]; message: string }

/** Two stacks of change sets. A new edit clears the redo stack. */
export class UndoHistory {
  private undos: UndoEntry[] = [];
  private redos: UndoEntry[] = [];
  constructor(private readonly limit = 100) {}

  /** Records an edit the user made on `before` (the model the patch applied to). */
  record(before: Json, patch: PatchOp[], message: string): void {
    this.undos.push({ patch, inverse: invertPatch(before, patch), message });
    if (this.undos.length > this.limit) this.undos.shift();
    this.redos = [];
  }

  canUndo(): boolean {
    return this.undos.length > 0;
  }

  canRedo(): boolean {
    return this.redos.length > 0;
  }

  peekUndo(): UndoEntry | undefined {
    return this.undos[this.undos.length - 1];
  }

  peekRedo(): UndoEntry | undefined {
    return this.redos[this.redos.length - 1];
  }

  /** After the inverse of peekUndo() was committed. */
  undone(): void {
    const e = this.undos.pop();
    if (e) this.redos.push(e);
  }

  /** After peekRedo()'s patch was committed again on `before`; its inverse is taken afresh. */
  redone(before: Json): void {
    const e = this.redos.pop();
    if (e) this.undos.push({ ...e, inverse: invertPatch(before, e.patch) });
  }

  /** Forgets the newest undo entry (its inverse could not be applied). */
  dropUndo(): void {
    this.undos.pop();
  }

  dropRedo(): void {
    this.redos.pop();
  }

  clear(): void {
    this.undos = [];
    this.redos = [];
  }
}
