import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from './http.ts';
import type { Page } from './types.ts';

/**
 * A list read one page at a time with the API's cursor: the first page on mount (and when `path`
 * changes), the next only when asked. Never everything at once.
 */
export function usePaged<T>(path: string | undefined, withCursor: (path: string, cursor: string) => string) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  // Loading from the start: an empty list is only said to be empty once the first page answered.
  const [loading, setLoading] = useState(path !== undefined);
  const [error, setError] = useState<unknown>();
  // How many times the first page answered: 0 until it has, so callers can tell "not yet listed".
  const [firstPages, setFirstPages] = useState(0);
  const generation = useRef(0);

  const load = useCallback(async (url: string, replace: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await get<Page<T>>(url);
      if (mine !== generation.current) return;
      setItems((before) => (replace ? page.items : [...before, ...page.items]));
      setCursor(page.nextCursor);
      if (replace) setFirstPages((n) => n + 1);
    } catch (e) {
      if (mine === generation.current) setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (path) void load(path, true);
  }, [path, load]);

  const loadMore = useCallback(() => {
    if (path && cursor) void load(withCursor(path, cursor), false);
  }, [path, cursor, load, withCursor]);

  /** The first page again (after a change the list should show). */
  const reload = useCallback(() => (path ? load(path, true) : Promise.resolve()), [path, load]);

  return { items, setItems, loadMore, reload, hasMore: cursor !== null, loading, error, firstPages };
}

/** Appends `cursor` to a path that may already have a query. */
export const appendCursor = (path: string, cursor: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
