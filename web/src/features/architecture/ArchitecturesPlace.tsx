import { lazy, Suspense, useMemo, useState } from 'react';
import type { ModelView } from '../../shared/api';
import { randomId } from '../../shared/format';
import { toast } from '../../shared/notify';
import type { Json } from '../../shared/patch';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { ImportModelDialog } from './ImportModelDialog';
import { EntryPlace, type EntryActions } from '../workbench/EntryPlace';
import { Inspector } from '../workbench/Inspector';
import { PLACE_SPECS } from '../workbench/places';
import { DEFAULT_LIBRARY, projectKinds, projectLibraryIds } from '../libraries/libraries';
import { useServerLibraries } from '../libraries/useServerLibraries';
import { architectureKind, DEFAULT_KIND } from './model';

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
  const { libraries } = useServerLibraries();
  const kinds = useMemo(() => projectKinds(model.project, libraries ?? []), [model.project, libraries]);
  const kindNames = useMemo(() => new Map((libraries ?? []).flatMap((l) => l.kinds.map((k) => [k.id, { name: k.name, library: l.name }] as const))), [libraries]);
  const [newKind, setNewKind] = useState<string>(DEFAULT_KIND);
  const chosen = kinds.find((k) => k.id === newKind) ?? kinds[0];
  const hasPyTorch = projectLibraryIds(model.project).includes(DEFAULT_LIBRARY);
  const actions: EntryActions = {
    // PyTorch's architectures start as they always have (an Input and an Output); another kind from its template
    create: async (name) => {
      if (!chosen && !hasPyTorch) {
        toast(`Could not read the server's libraries, so not which kinds of architecture this project draws; try again`, 'error');
        return null;
      }
      const other = chosen?.id !== DEFAULT_KIND ? chosen : undefined;
      const made = randomId(entries);
      const value = other ? ({ name, kind: other.id, layers: {}, connections: {}, ...other.template } as Json) : PLACE_SPECS.architectures.create!.value(name);
      const ok = await wb.applyChange([{ op: 'add', path: `/architectures/${made}`, value }], other ? `Add ${other.name} ${name}` : `Add architecture ${name}`);
      return ok ? made : null;
    },
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
        hasPyTorch && (
          <button className="secondary" data-testid="arch-import-open" disabled={wb.readOnly || !branch} onClick={() => setImporting(true)}>
            Import model…
          </button>
        )
      }
      createExtra={
        kinds.length > 1 && (
          <select data-testid="new-arch-kind" aria-label="Kind of architecture" value={chosen?.id} onChange={(e) => setNewKind(e.target.value)}>
            {kinds.map((k) => (
              <option key={k.id} value={k.id} title={k.description}>
                {k.name}
              </option>
            ))}
          </select>
        )
      }
      detail={(a) => {
        const kind = architectureKind(entries[a]);
        const known = kindNames.get(kind);
        return (
          <span className={`kind-tag kind-${kind}`} data-testid="arch-kind" data-kind={kind} title={known?.name ?? kind}>
            {known?.library ?? kind}
          </span>
        );
      }}
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
