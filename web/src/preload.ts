import { parseRoute } from './shared/router';
import { loadCatalog } from './features/architecture/catalog';
import { architectureKind } from './features/architecture/model';
import { prefetchModel } from './features/workbench/prefetch';

/**
 * Opening a deep link to an editor is otherwise a waterfall: sign-in check, the model, then the editor's code, then
 * its catalog. Start the model, the editor's chunk and the catalog together as the page loads; the lazy components
 * and the workbench then find them loaded or on the way.
 */
export function preloadForLocation(loc: Location = window.location): void {
  const route = parseRoute(loc.pathname, loc.search);
  if (route.page !== 'workbench') return;
  const model = prefetchModel(route.project, route.commit ?? route.branch);
  if (route.id === undefined) return;
  const id = route.id;
  if (route.place === 'architectures') {
    void import('./features/architecture/ArchitectureEditor');
    // the catalog of the architecture's kind; the editor reports a failure when it asks again
    model.then((m) => loadCatalog(architectureKind(m.model.architectures?.[id]))).catch(() => {});
  } else if (route.place === 'pipelines') {
    void import('./features/pipeline/PipelineEditor');
  } else if (route.place === 'operations') {
    void import('./features/operation/OperationEditor');
  }
}
