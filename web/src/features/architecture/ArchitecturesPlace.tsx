import { lazy, Suspense, useState } from 'react';
import type { ModelView } from '../../shared/api';
import { randomId } from '../../shared/format';
import type { Json } from '../../shared/patch';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { ImportModelDialog } from './ImportModelDialog';
import { EntryPlace, type EntryActions } from '../workbench/EntryPlace';
import { Inspector } from '../workbench/Inspector';

const ArchitectureEditor = lazy(() => import('./ArchitectureEditor'));

interface Props {
  project: string;
  branch?: string;
  id?: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
  onSelect: (id: string | undefined) => void;
}

const TEST_IDS = { list: 'arch-list', row: 'arch-row', rowIdAttr: 'data-arch-id', newName: 'new-arch-name', newCreate: 'new-arch-create' };

/** The architecture list (create, rename, duplicate, delete, import) and the editor of the open one. */
export function ArchitecturesPlace({ project, branch, id, model, head, wb, onSelect }: Props) {
  const entries = model.architectures ?? {};
  const entry = id !== undefined ? entries[id] : undefined;
  const [importing, setImporting] = useState(false);
  const actions: EntryActions = {
    copyName: (_id, label) => `${label} copy`,
    duplicate: async (from, name) => {
      const source = entries[from];
      if (!source) return null;
      const copy = randomId(entries);
      const ok = await wb.applyChange([{ op: 'add', path: `/architectures/${copy}`, value: { ...source, name } as Json }], `Duplicate architecture ${name}`);
      return ok ? copy : null;
    },
  };
  const list = (
    <EntryPlace
      kind="architectures"
      entries={entries}
      selected={id}
      readOnly={wb.readOnly}
      onSelect={onSelect}
      applyChange={wb.applyChange}
      actions={actions}
      compact={entry !== undefined}
      testIds={TEST_IDS}
      headerExtra={
        <button className="secondary" data-testid="arch-import-open" disabled={wb.readOnly || !branch} onClick={() => setImporting(true)}>
          Import model…
        </button>
      }
    />
  );
  const dialog = importing && branch && (
    <ImportModelDialog
      project={project}
      branch={branch}
      onClose={() => setImporting(false)}
      onImported={async (newId) => {
        setImporting(false);
        await wb.reload();
        onSelect(newId);
      }}
    />
  );
  const inspector = <Inspector kind="architectures" id={id} entry={entry} />;
  if (id === undefined || entry === undefined)
    return (
      <div className="split">
        {list}
        {inspector}
        {dialog}
      </div>
    );
  return (
    <div className="split">
      {list}
      <Suspense fallback={<p className="muted loading editor-loading">Loading the architecture editor…</p>}>
        <ArchitectureEditor key={id} project={project} branch={branch} archId={id} model={model} head={head} wb={wb} />
      </Suspense>
      {dialog}
    </div>
  );
}
