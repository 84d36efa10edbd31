import { api } from '../../shared/api';
import type { Catalog } from './model';

let catalogPromise: Promise<Catalog> | null = null;

/** The layer catalog is the same for every architecture: fetched once per page (a failed fetch is tried again). */
export function loadCatalog(): Promise<Catalog> {
  catalogPromise ??= api.layerCatalog().catch((e) => {
    catalogPromise = null;
    throw e;
  });
  return catalogPromise;
}
