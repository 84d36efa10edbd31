import { api } from '../../shared/api';
import type { Analysis } from './model';

// The saved analysis of the architecture a link opens, asked for by the page's preload as soon as the model (and so
// its commit) is there: the server analyses while the page renders, and the editor's first render can show shapes
// and parameters instead of asking when it mounts and drawing everything again when they come.
interface Opening {
  key: string;
  analysis: Promise<Analysis>;
  /** The answer, once it came. */
  value?: Analysis;
}

let opening: Opening | null = null;

const keyOf = (project: string, architecture: string, commit: string) => `${project}\u0000${architecture}\u0000${commit}`;

/** Starts asking for the analysis of `architecture` at `commit` (the editor takes it through one of the two below). */
export function prefetchSavedAnalysis(project: string, architecture: string, commit: string): void {
  const entry: Opening = { key: keyOf(project, architecture, commit), analysis: api.architectureAnalysis(project, architecture, commit) };
  entry.analysis.then(
    (a) => {
      entry.value = a;
    },
    () => {}, // the editor asks again and reports a failure
  );
  opening = entry;
}

/** The prefetched analysis of this architecture at this commit if it has come already (taken once), else undefined. */
export function arrivedSavedAnalysis(project: string, architecture: string, commit: string): Analysis | undefined {
  const o = opening;
  if (!o || o.key !== keyOf(project, architecture, commit) || o.value === undefined) return undefined;
  opening = null;
  return o.value;
}

/** The analysis of this architecture at this commit: the prefetched request if it is that one (once), or a new one. */
export function savedAnalysis(project: string, architecture: string, commit: string): Promise<Analysis> {
  const o = opening;
  if (o && o.key === keyOf(project, architecture, commit)) {
    opening = null;
    return o.analysis.catch(() => api.architectureAnalysis(project, architecture, commit));
  }
  return api.architectureAnalysis(project, architecture, commit);
}
