import type { Item } from './inbox-list.ts';

/** What the inbox knows when a request arrives on the approver feed. */
export interface LiveView {
  /** The queue as listed so far, newest first; undefined until its first page answered. */
  listed: readonly Item[] | undefined;
  /** Requests fetched one by one since the queue was last (re)loaded. */
  fetchedSinceLoad: number;
}

/** The most requests fetched one by one between reloads: past it, a banner offers a reload. */
export const LIVE_FETCH_LIMIT = 25;

export type LivePlan = 'wait' | 'skip' | 'fetch' | 'count';

/**
 * What to do with a request the feed announced at `at` for `actionId`. The feed replays its last
 * 30 s when it opens, and a burst can announce hundreds of requests, so the inbox must not fetch
 * each one: a request at or before the newest listed one is already listed, further down (Load
 * more reaches it) or no longer pending; only newer ones are fetched, at most LIVE_FETCH_LIMIT
 * between reloads, and the rest are counted for a "new requests, show them" reload of the first
 * page. Before the first page answered nothing can be told: the request waits.
 */
export function planLiveRequest(actionId: string, at: string, view: LiveView): LivePlan {
  if (view.listed === undefined) return 'wait';
  if (view.listed.some((i) => i.id === actionId)) return 'skip';
  const newest = view.listed[0]?.createdAt;
  if (newest !== undefined && at <= newest) return 'skip';
  return view.fetchedSinceLoad < LIVE_FETCH_LIMIT ? 'fetch' : 'count';
}
