// The libraries of a project (docs/libraries.md): which kinds of architecture it draws, and what the page says about them.
import type { LibraryInfo, LibraryKind } from '../../shared/api';
import type { Json } from '../../shared/patch';

/** The library every project has unless it names others. */
export const DEFAULT_LIBRARY = 'pytorch';

/** A kind a project can draw, with the name of its library ("scikit-learn"). */
export interface KindChoice extends LibraryKind {
  library: string;
  libraryName: string;
}

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ids of a project's libraries, from its project.json: `libraries`, else PyTorch (a project made before libraries). */
export function projectLibraryIds(project: Json | undefined): string[] {
  return isObj(project) && isObj(project.libraries) ? Object.keys(project.libraries) : [DEFAULT_LIBRARY];
}

/** The kinds of architecture a project draws, PyTorch's first, in the order of its libraries otherwise. */
export function projectKinds(project: Json | undefined, libraries: LibraryInfo[]): KindChoice[] {
  const ids = projectLibraryIds(project).sort((a, b) => (a === DEFAULT_LIBRARY ? -1 : b === DEFAULT_LIBRARY ? 1 : 0));
  return ids.flatMap((id) => {
    const library = libraries.find((l) => l.id === id);
    return library ? library.kinds.map((k) => ({ ...k, library: library.id, libraryName: library.name })) : [];
  });
}

const text = (v: Json | undefined) => (typeof v === 'string' ? v : '');

/**
 * What uses a library, from a project library's `usedBy`: `architecture "digits"`, `pipeline "Train" node n1 runs
 * FitEstimator`, `operation Score imports sklearn`.
 */
export function describeUses(usedBy: Json | undefined): string[] {
  if (!Array.isArray(usedBy)) return [];
  return usedBy.map((u) => {
    if (typeof u === 'string') return u;
    if (!isObj(u)) return JSON.stringify(u);
    if (u.kind === 'architecture') return `architecture "${text(u.name)}"`;
    if (u.kind === 'node') return `pipeline "${text(u.pipelineName) || text(u.pipeline)}" node ${text(u.node)} runs ${text(u.name)}`;
    if (u.kind === 'operation') return `operation ${text(u.name)}${Array.isArray(u.imports) ? ` imports ${u.imports.join(', ')}` : ''}`;
    return JSON.stringify(u);
  });
}

/** The server's libraries a project does not have yet, by name. */
export function addableLibraries(libraries: LibraryInfo[], have: string[]): LibraryInfo[] {
  return libraries.filter((l) => !have.includes(l.id)).sort((a, b) => a.name.localeCompare(b.name));
}
