import { lazy, Suspense } from 'react';
import type { ModelView } from '../../shared/api';
import { randomId } from '../../shared/format';
import type { Json } from '../../shared/patch';
import { duplicatePipeline } from './edits';
import type { WorkbenchModel } from '../workbench/useWorkbench';
import { EntryPlace, type EntryActions } from '../workbench/EntryPlace';
import { Inspector } from '../workbench/Inspector';
import { PipelineThumbnail } from './PipelineThumbnail';

const PipelineEditor = lazy(() => import('./PipelineEditor'));

interface Props {
  project: string;
  branch?: string;
  id?: string;
  model: ModelView;
  head: string;
  wb: WorkbenchModel;
  onSelect: (id: string | undefined) => void;
}

/** The pipeline list, and the editor of the open pipeline beside it. */
export function PipelinesPlace({ project, branch, id, model, head, wb, onSelect }: Props) {
  const entries = model.pipelines ?? {};
  const entry = id !== undefined ? entries[id] : undefined;
  const actions: EntryActions = {
    copyName: (_id, label) => `${label} copy`,
    duplicate: async (from, name) => {
      const source = entries[from];
      if (!source) return null;
      const copy = randomId(entries);
      const ok = await wb.applyChange([{ op: 'add', path: `/pipelines/${copy}`, value: duplicatePipeline(source, name) as Json }], `Duplicate pipeline ${name}`);
      return ok ? copy : null;
    },
  };
  const list = (
    <EntryPlace
      kind="pipelines"
      entries={entries}
      selected={id}
      readOnly={wb.readOnly}
      onSelect={onSelect}
      applyChange={wb.applyChange}
      actions={actions}
      thumbnail={(p) => <PipelineThumbnail entry={entries[p]} />}
      compact={entry !== undefined}
    />
  );
  const inspector = <Inspector kind="pipelines" id={id} entry={entry} />;
  if (id === undefined || entry === undefined)
    return (
      <div className="split">
        {list}
        {inspector}
      </div>
    );
  return (
    <div className="split">
      {list}
      <Suspense
        fallback={
          <>
            <p className="muted loading editor-loading">Loading the pipeline editor…</p>
            {inspector}
          </>
        }
      >
        <PipelineEditor key={id} project={project} branch={branch} pipelineId={id} model={model} head={head} wb={wb} />
      </Suspense>
    </div>
  );
}
