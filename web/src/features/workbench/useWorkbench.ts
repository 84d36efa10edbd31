// The model the workbench shows, kept live: initial fetch, WebSocket commits, and applyChange().
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchModel } from './prefetch';
import { api, ApiError, errorMessage, type ModelView } from '../../shared/api';
import { brief } from '../../shared/format';
import { decideCommit } from './live';
import { toast } from '../../shared/notify';
import { applyPatch, type Json, type PatchOp } from '../../shared/patch';
import { conflictingFields, describePointer, type FieldConflict } from './FieldConflictDialog';
import type { PresenceUser, ServerMessage, WsClient } from '../../shared/ws';

export interface WorkbenchModel {
  model: ModelView | null;
  /** The commit the UI shows; the `base` of every edit. */
  head: string | null;
  error: string | null;
  users: PresenceUser[];
  readOnly: boolean;
  applyChange: ApplyChange;
  reload: () => Promise<void>;
  /** The commit the model is at right now (state may lag a render behind). */
  currentHead: () => string | null;
  /** A field-level conflict waiting for the user's choice (FieldConflictDialog), or null. */
  fieldConflict?: FieldConflict | null;
  /** Takes the user's choice: mine re-applies their edit on the current head; theirs keeps what is saved. */
  resolveFieldConflict?: (mine: boolean) => Promise<void>;
}

export interface ChangeOptions {
  /** Called instead of the default conflict toast on 409 (the model is still reloaded). */
  onConflict?: (e: ApiError) => void;
}

/** Sends one change set; resolves true when it was committed. */
export type ApplyChange = (patch: PatchOp[], message: string, opts?: ChangeOptions) => Promise<boolean>;

interface Live {
  model: ModelView | null;
  head: string | null;
  own: Set<string>;
  reloading: boolean;
  again: boolean;
}

/**
 * Operations carry fields the server derives on commit (`interface` from `code`), so applying our own
 * patch locally would leave them stale: such edits reload the model instead.
 */
export function touchesDerived(patch: readonly PatchOp[]): boolean {
  return patch.some((op) => op.op !== 'test' && /^\/operations(\/[^/]+(\/code)?)?$/.test(op.path));
}

const fresh = (): Live => ({ model: null, head: null, own: new Set(), reloading: false, again: false });

export function useWorkbench(
  project: string,
  ref: { branch?: string; commit?: string },
  ws: WsClient,
  onBranchDeleted: () => void,
  onBranchesChanged: () => void = () => undefined,
): WorkbenchModel {
  const { branch, commit } = ref;
  const refName = commit ?? branch;
  const readOnly = commit !== undefined;
  const live = useRef<Live>(fresh());
  const [view, setView] = useState<{ model: ModelView | null; head: string | null }>({ model: null, head: null });
  const [error, setError] = useState<string | null>(null);
  const [users, setUsers] = useState<PresenceUser[]>([]);
  const [fieldConflict, setFieldConflict] = useState<(FieldConflict & { patch: PatchOp[] }) | null>(null);

  const setLocal = useCallback((L: Live, model: ModelView, head: string) => {
    if (L !== live.current) return;
    L.model = model;
    L.head = head;
    setView({ model, head });
  }, []);

  const reload = useCallback(async () => {
    const L = live.current;
    if (L.reloading) {
      L.again = true;
      return;
    }
    L.reloading = true;
    try {
      do {
        L.again = false;
        const r = await fetchModel(project, refName);
        if (L !== live.current) return;
        setLocal(L, r.model, r.commit);
        setError(null);
        if (branch) ws.markSeen(project, branch, r.commit);
      } while (L.again);
    } catch (e) {
      if (L !== live.current) return;
      if (L.model) toast(`Could not refresh the model: ${errorMessage(e)}`, 'error');
      else setError(errorMessage(e));
    } finally {
      L.reloading = false;
    }
  }, [project, refName, branch, ws, setLocal]);

  useEffect(() => {
    live.current = fresh();
    setView({ model: null, head: null });
    setError(null);
    setUsers([]);
    void reload();
  }, [reload]);

  const deleted = useRef(onBranchDeleted);
  deleted.current = onBranchDeleted;
  const branchesChanged = useRef(onBranchesChanged);
  branchesChanged.current = onBranchesChanged;

  const onMessage = useCallback(
    (msg: ServerMessage) => {
      const L = live.current;
      switch (msg.type) {
        case 'commit': {
          if (L.reloading) {
            L.again = true;
            return;
          }
          const action = decideCommit(msg, L.head, L.own);
          if (action === 'apply' && L.model) {
            try {
              setLocal(L, applyPatch(L.model, msg.patch), msg.commit);
            } catch {
              void reload();
            }
          } else if (action !== 'ignore') {
            void reload();
          }
          return;
        }
        case 'subscribed':
          if (msg.head && msg.head !== L.head) void reload();
          return;
        case 'branch':
          branchesChanged.current();
          if (msg.branch !== branch) return;
          if (msg.head === null) deleted.current();
          else if (msg.head !== L.head) void reload();
          return;
        case 'resync':
          void reload();
          return;
        case 'presence':
          setUsers(msg.users ?? []);
          return;
        case 'error':
          toast(msg.error, 'error');
          return;
      }
    },
    [reload, setLocal, branch],
  );

  const loaded = view.model !== null;
  useEffect(() => {
    if (!branch || !loaded) return;
    return ws.subscribe(project, branch, onMessage, live.current.head ?? undefined);
  }, [project, branch, loaded, ws, onMessage]);

  const applyChange = useCallback(
    async (patch: PatchOp[], message: string, opts?: ChangeOptions): Promise<boolean> => {
      const L = live.current;
      if (readOnly || !branch || L.head === null || !L.model) {
        toast('This view is read-only', 'error');
        return false;
      }
      const base = L.head;
      try {
        const r = await api.applyChanges(project, branch, { base, message, patch });
        L.own.add(r.commit);
        if (L.head === r.commit) {
          // the WebSocket already brought our commit
        } else if (!r.rebased && L.head === base && L.model && !touchesDerived(patch)) {
          setLocal(L, applyPatch(L.model, patch), r.commit);
        } else {
          await reload();
        }
        if (r.rebased) toast('Your edit was merged with newer changes by others', 'info');
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && opts?.onConflict) {
          opts.onConflict(e);
          await reload();
        } else if (e instanceof ApiError && e.status === 409 && e.path) {
          // never drop the user's value: show every field both changed and let them choose (FieldConflictDialog)
          const edited = L.model as unknown as Json;
          const refused = e.path;
          await reload();
          const now = (live.current.model ?? null) as unknown as Json;
          // the server's answer says what the refused field holds now, even if the reload is still on its way
          const fields = (now === null ? [] : conflictingFields(edited, now, patch, refused)).map((f) =>
            f.path === refused && e.current !== undefined ? { ...f, theirs: e.current as Json } : f,
          );
          setFieldConflict({
            fields: fields.length ? fields : [{ path: refused, label: describePointer(null, refused), theirs: e.current, yours: undefined }],
            message,
            patch,
          });
        } else if (e instanceof ApiError && e.status === 409) {
          toast(`Conflict: ${errorMessage(e)}; current value: ${brief(e.current)}`, 'error');
          await reload();
        } else {
          toast(errorMessage(e), 'error');
        }
        return false;
      }
    },
    [project, branch, readOnly, reload, setLocal],
  );

  const currentHead = useCallback(() => live.current.head, []);

  const resolveFieldConflict = useCallback(
    async (mine: boolean) => {
      const c = fieldConflict;
      setFieldConflict(null);
      const L = live.current;
      if (!c || !mine || !branch || L.head === null) return;
      // the user's edit again, now on top of what they have seen (the reloaded head)
      try {
        // the user chose their values over the ones now saved: the checks that stood for "unchanged meanwhile" go
        const related = (p: string) => c.fields.some((f) => p === f.path || p.startsWith(`${f.path}/`) || f.path.startsWith(`${p}/`));
        const patch = c.patch.filter((op) => !(op.op === 'test' && related(op.path)));
        const r = await api.applyChanges(project, branch, { base: L.head, message: c.message, patch });
        L.own.add(r.commit);
        await reload();
      } catch (e) {
        toast(errorMessage(e), 'error');
        await reload();
      }
    },
    [fieldConflict, project, branch, reload],
  );

  return { model: view.model, head: view.head, error, users, readOnly, applyChange, reload, currentHead, fieldConflict, resolveFieldConflict };
}
