import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, type Page } from './api';
import { mergeFirstPage } from './paging';

/** How a refresh combines the first page read again with the rows already loaded (see {@link mergeFirstPage}). */
export interface Refresh<T> {
  id: (t: T) => string;
  newer: (a: T, b: T) => boolean;
}

export interface PagedList<T> {
  /** null until the first page arrived. */
  items: T[] | null;
  next: string | null;
  loading: boolean;
  error: string | null;
  /** Reads the page after the loaded ones, unless one is being read or there is none. */
  loadMore: () => void;
  /** Reads the first page again (new rows come on top; the older rows loaded stay). */
  refresh: () => Promise<void>;
  /** Starts over from the first page (after rows were deleted, say). */
  reload: () => Promise<void>;
}

/**
 * A list read a page at a time through `fetch(cursor)`; starts over when `key` (the list and its filters) changes.
 * Answers of an earlier `key` are dropped, so a quick change of filter never shows the previous filter's rows.
 */
export function usePagedList<T>(key: string, fetch: (cursor: string | null) => Promise<Page<T>>, merge?: Refresh<T>): PagedList<T> {
  const [state, setState] = useState<{ key: string; items: T[] | null; next: string | null }>({ key, items: null, next: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = useRef({ key, fetch, merge, state, loading: false });
  current.current = { key, fetch, merge, state, loading: current.current.loading };

  const read = useCallback(async (cursor: string | null, replace = false) => {
    const asked = current.current.key;
    current.current.loading = true;
    setLoading(true);
    try {
      const page = await current.current.fetch(cursor);
      if (current.current.key !== asked) return;
      setState((s) => {
        if (s.key !== asked || replace) return { key: asked, items: page.items, next: page.next };
        if (cursor !== null) return { key: asked, items: [...(s.items ?? []), ...page.items], next: page.next };
        const m = current.current.merge;
        const merged = m && s.items ? mergeFirstPage(page, s.items, s.next, m.id, m.newer) : page;
        return { key: asked, items: merged.items, next: merged.next };
      });
      setError(null);
    } catch (e) {
      if (current.current.key === asked) setError(errorMessage(e));
    } finally {
      if (current.current.key === asked) {
        current.current.loading = false;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    current.current.loading = false;
    setState({ key, items: null, next: null });
    void read(null);
  }, [key, read]);

  const loadMore = useCallback(() => {
    const { state: s, loading: busy, key: k } = current.current;
    if (busy || s.key !== k || s.items === null || s.next === null) return;
    void read(s.next);
  }, [read]);

  const refresh = useCallback(() => read(null), [read]);
  const reload = useCallback(() => read(null, true), [read]);
  const shown = state.key === key ? state : { items: null, next: null };
  return { items: shown.items, next: shown.next, loading, error, loadMore, refresh, reload };
}
