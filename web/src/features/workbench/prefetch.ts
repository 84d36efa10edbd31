import { api, type ModelResponse } from '../../shared/api';

// The model of the page the browser opened, asked for while the app itself still starts (signing in, loading the
// editor's code): the workbench takes it once instead of asking again. A newer head is caught by the branch
// subscription's answer, as for any fetch.
let pending: { key: string; model: Promise<ModelResponse> } | null = null;

const keyOf = (project: string, ref: string | undefined) => `${project}\u0000${ref ?? ''}`;

/** Starts fetching the model; the promise is for a look at it (the workbench takes it through fetchModel). */
export function prefetchModel(project: string, ref: string | undefined): Promise<ModelResponse> {
  const model = api.getModel(project, ref);
  model.catch(() => {}); // answered by the workbench's own request if it failed (signed out, say)
  pending = { key: keyOf(project, ref), model };
  return model;
}

/** The model fetched at start for this project and ref, once; otherwise (or if that fetch failed) a new request. */
export function fetchModel(project: string, ref: string | undefined): Promise<ModelResponse> {
  const p = pending;
  pending = null;
  if (p && p.key === keyOf(project, ref)) return p.model.catch(() => api.getModel(project, ref));
  return api.getModel(project, ref);
}
