import { lazy, Suspense } from 'react';
import type { ModelView } from '../../shared/api';
import type { WsClient } from '../../shared/ws';
import { ExecutionList } from './ExecutionList';

const ExecutionView = lazy(() => import('./ExecutionView'));

interface Props {
  project: string;
  branch?: string;
  id?: string;
  model: ModelView;
  ws: WsClient;
}

/** The executions of the project, or one execution opened (/…/executions/<id>). */
export function ExecutionsPlace({ project, branch, id, model, ws }: Props) {
  if (id)
    return (
      <Suspense fallback={<p className="muted loading">Loading the execution…</p>}>
        <ExecutionView key={id} project={project} branch={branch} executionId={id} ws={ws} />
      </Suspense>
    );
  return <ExecutionList project={project} branch={branch} model={model} ws={ws} />;
}
