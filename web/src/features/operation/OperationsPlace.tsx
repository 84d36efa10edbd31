import { lazy, Suspense } from 'react';
import { api, ApiError, errorMessage, type ModelView } from '../../shared/api';
import { toast } from '../../shared/notify';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { EntryPlace, type EntryActions } from '../workbench/EntryPlace';
import { Inspector } from '../workbench/Inspector';

const OperationEditor = lazy(() => import('./OperationEditor'));

interface Props {
  project: string;
  branch?: string;
  id?: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
  onSelect: (id: string | undefined) => void;
}

/** What a refused delete says, with the pipelines that still use the operation. */
export function deleteRefusal(e: unknown): string {
  if (!(e instanceof ApiError) || e.status !== 409) return errorMessage(e);
  const d = e.detail;
  const names = Array.isArray(d) ? d : d && typeof d === 'object' && Array.isArray((d as { pipelines?: unknown }).pipelines) ? (d as { pipelines: unknown[] }).pipelines : [];
  const list = names.map((n) => (typeof n === 'string' ? n : JSON.stringify(n))).join(', ');
  return list && !e.message.includes(list) ? `${e.message} (${list})` : e.message;
}

/** The operation list (created, copied, renamed and deleted by the server's routes) and the open operation's editor. */
export function OperationsPlace({ project, branch, id, model, head, wb, onSelect }: Props) {
  const entries = model.operations ?? {};
  const entry = id !== undefined ? entries[id] : undefined;

  const run = async <T,>(what: () => Promise<T>): Promise<T | null> => {
    if (!branch) return null;
    try {
      const r = await what();
      await wb.reload();
      return r;
    } catch (e) {
      toast(errorMessage(e), 'error');
      return null;
    }
  };
  const actions: EntryActions = {
    create: async (name) => (await run(() => api.createOperation(project, branch!, name)))?.name ?? null,
    duplicate: async (from, name) => (await run(() => api.createOperation(project, branch!, name, from)))?.name ?? null,
    copyName: (from) => `${from}Copy`,
    rename: async (from, to) => {
      const r = await run(() => api.renameOperation(project, branch!, from, to));
      if (r && from === id) onSelect(r.name ?? to);
      return r !== null;
    },
    remove: async (name) => {
      if (!branch) return false;
      try {
        await api.deleteOperation(project, branch, name);
        await wb.reload();
        return true;
      } catch (e) {
        toast(deleteRefusal(e), 'error');
        return false;
      }
    },
  };

  const list = (
    <EntryPlace
      kind="operations"
      entries={entries}
      selected={id}
      readOnly={wb.readOnly}
      onSelect={onSelect}
      applyChange={wb.applyChange}
      actions={actions}
      compact={entry !== undefined}
    />
  );
  if (id === undefined || entry === undefined)
    return (
      <div className="split">
        {list}
        <Inspector kind="operations" id={id} entry={entry} />
      </div>
    );
  return (
    <div className="split">
      {list}
      <Suspense fallback={<p className="muted loading editor-loading">Loading the code editor…</p>}>
        <OperationEditor key={id} project={project} branch={branch} name={id} model={model} head={head} wb={wb} />
      </Suspense>
    </div>
  );
}
