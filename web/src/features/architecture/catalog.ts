import { api, type LibraryInfo } from '../../shared/api';
import { DEFAULT_KIND, type Catalog } from './model';

// The server's libraries and their kinds' catalogs do not change while a page is open: each is fetched once
// (a failed fetch is tried again on the next ask).
let librariesPromise: Promise<LibraryInfo[]> | null = null;
const catalogs = new Map<string, Promise<Catalog>>();

/** The server's libraries (GET /libraries). */
export function loadLibraries(): Promise<LibraryInfo[]> {
  librariesPromise ??= api.libraries().catch((e) => {
    librariesPromise = null;
    throw e;
  });
  return librariesPromise;
}

/** The library that provides a kind of architecture, if the server has one. */
export function libraryOfKind(libraries: LibraryInfo[], kind: string): LibraryInfo | undefined {
  return libraries.find((l) => l.kinds.some((k) => k.id === kind));
}

/** The catalog of a kind of architecture, through the library that provides it. */
export function loadCatalog(kind: string = DEFAULT_KIND): Promise<Catalog> {
  let catalog = catalogs.get(kind);
  if (!catalog) {
    catalog = loadLibraries()
      .then((libraries) => {
        const library = libraryOfKind(libraries, kind);
        if (!library) throw new Error(`No library on this server draws architectures of kind "${kind}"`);
        return api.kindCatalog(library.id, kind);
      })
      .catch((e) => {
        catalogs.delete(kind);
        throw e;
      });
    catalogs.set(kind, catalog);
  }
  return catalog;
}
