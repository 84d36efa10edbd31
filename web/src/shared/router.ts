// A tiny history-API router. URLs are deep links:
//   /                                     project list
//   /p/<project>                          workbench on the default branch
//   /p/<project>/<branch>/<place>[/<id>]  workbench on a branch
//   /p/<project>/@<commit>/<place>[/<id>][?branch=<b>]  read-only view at a commit
// Segments are URI-encoded, so a branch named "@x" is written %40x and a raw "@" always means a commit.
import { useSyncExternalStore } from 'react';

export const PLACES = ['pipelines', 'operations', 'architectures', 'executions', 'artifacts', 'history', 'workspace', 'libraries'] as const;
export type Place = (typeof PLACES)[number];

export type Route =
  | { page: 'projects' }
  | { page: 'account' }
  | { page: 'admin' }
  | { page: 'api' }
  | { page: 'project'; project: string }
  | {
      page: 'workbench';
      project: string;
      branch?: string;
      commit?: string;
      /** For a commit view: the branch to go back to. */
      returnBranch?: string;
      place: Place;
      id?: string;
    }
  | { page: 'notfound'; path: string };

export type WorkbenchRoute = Extract<Route, { page: 'workbench' }>;

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter((s) => s !== '');
  if (parts.length === 0) return { page: 'projects' };
  if (parts.length === 1 && parts[0] === 'account') return { page: 'account' };
  if (parts.length === 1 && parts[0] === 'admin') return { page: 'admin' };
  if (parts.length === 1 && parts[0] === 'api-reference') return { page: 'api' };
  const notFound: Route = { page: 'notfound', path: pathname };
  if (parts[0] !== 'p' || parts.length < 2 || parts.length > 5) return notFound;
  const project = decode(parts[1]);
  if (!project) return notFound;
  if (parts.length === 2) return { page: 'project', project };

  const refRaw = parts[2];
  const place = (parts[3] ?? 'pipelines') as Place;
  if (!PLACES.includes(place)) return notFound;
  const id = parts[4] !== undefined ? decode(parts[4]) : undefined;
  if (parts[4] !== undefined && !id) return notFound;

  const route: WorkbenchRoute = { page: 'workbench', project, place };
  if (id) route.id = id;
  if (refRaw.startsWith('@')) {
    const commit = decode(refRaw.slice(1));
    if (!commit || !/^[0-9a-fA-F]{4,64}$/.test(commit)) return notFound;
    route.commit = commit;
    const ret = new URLSearchParams(search).get('branch');
    if (ret) route.returnBranch = ret;
  } else {
    const branch = decode(refRaw);
    if (!branch) return notFound;
    route.branch = branch;
  }
  return route;
}

const enc = encodeURIComponent;

export function buildPath(route: Route): string {
  switch (route.page) {
    case 'projects':
      return '/';
    case 'account':
      return '/account';
    case 'admin':
      return '/admin';
    case 'api':
      return '/api-reference';
    case 'project':
      return `/p/${enc(route.project)}`;
    case 'notfound':
      return route.path;
    case 'workbench': {
      const ref = route.commit !== undefined ? `@${enc(route.commit)}` : enc(route.branch ?? '');
      let path = `/p/${enc(route.project)}/${ref}/${route.place}`;
      if (route.id) path += `/${enc(route.id)}`;
      if (route.commit !== undefined && route.returnBranch) path += `?branch=${enc(route.returnBranch)}`;
      return path;
    }
  }
}

/** Path of the workbench on `branch` at `place` (optionally with an entry open). */
export function branchPath(project: string, branch: string, place: Place = 'pipelines', id?: string): string {
  return buildPath({ page: 'workbench', project, branch, place, id });
}

export function commitPath(project: string, commit: string, place: Place = 'pipelines', returnBranch?: string): string {
  return buildPath({ page: 'workbench', project, commit, place, returnBranch });
}

const NAV_EVENT = 'deepforge:navigate';

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (to === current) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAV_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAV_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAV_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current location; re-renders on navigate() and on the back/forward buttons. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export function useRoute(): Route {
  const loc = useLocation();
  const q = loc.indexOf('?');
  return q < 0 ? parseRoute(loc) : parseRoute(loc.slice(0, q), loc.slice(q));
}
