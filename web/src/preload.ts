import { parseRoute } from './shared/router';
import { loadCatalog } from './features/architecture/catalog';
import { architectureLayoutAtOpening } from './features/architecture/layout';
import { architectureKind, readArchitecture } from './features/architecture/model';
import { prefetchSavedAnalysis } from './features/architecture/savedAnalysis';
import { prefetchModel } from './features/workbench/prefetch';

/**
 * Opening a deep link to an editor is otherwise a waterfall: sign-in check, the model, then the editor's code, then
 * its catalog, then its layout. Start the model, the editor's chunk and the catalog together as the page loads, and
 * an architecture's analysis and layout as soon as the model is there; the lazy components and the workbench then find them
 * loaded or on the way. (A pipeline's layout is not started early: measured, it made a big pipeline open slower, the
 * main thread doing the folding twice just when the editor renders, while its layout was never the last to finish.)
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
    // its saved analysis, which the server works out meanwhile (savedAnalysis.ts)
    model.then((m) => m.model.architectures?.[id] && prefetchSavedAnalysis(route.project, id, m.commit)).catch(() => {});
    // and its layout, in the layout worker while the page renders; the editor asks for the same and gets this one
    model
      .then((m) => {
        const entry = m.model.architectures?.[id];
        return entry ? architectureLayoutAtOpening(readArchitecture(entry)) : undefined;
      })
      .catch(() => {}); // the editor asks again and reports a failure
  } else if (route.place === 'pipelines') {
    void import('./features/pipeline/PipelineEditor');
  } else if (route.place === 'operations') {
    void import('./features/operation/OperationEditor');
  }
}
