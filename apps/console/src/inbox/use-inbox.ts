import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from '../api/http.ts';
import { useDelegations } from '../api/delegations.ts';
import type { ActionView, AuditEntry } from '../api/types.ts';
import { appendCursor, usePaged } from '../api/use-paged.ts';
import { useEventSource } from '../api/use-event-source.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { upsert, without } from '../lib/inbox-list.ts';
import { planLiveRequest } from '../lib/live-requests.ts';

const QUEUE = '/v1/actions?approver=me&limit=25';
const REVIEWS = '/v1/actions?review=pending&limit=25';

/**
 * My queue: the first page of `approver=me`, more on demand, and the approver feed (SSE) on top:
 * a request newer than the listing is fetched and added (at most a page of them between reloads;
 * past that they are counted and a banner offers the first page again), a decision takes its
 * action out. The feed is opened first, as docs/api.md advises, so nothing between the listing and
 * the feed is missed; what it replays from before the listing is not fetched again
 * (lib/live-requests.ts).
 */
export function useInbox() {
  const announce = useAnnounce();
  const queue = usePaged<ActionView>(QUEUE, appendCursor);
  const reviews = usePaged<ActionView>(REVIEWS, appendCursor);
  // Delegations to me decide on whose behalf I vote.
  const delegations = useDelegations();
  const { setItems, reload } = queue;
  const [unseen, setUnseen] = useState(0);

  // What the feed's handler compares against, current without re-opening the feed.
  const listed = useRef<readonly ActionView[] | undefined>(undefined);
  const fetched = useRef(0);
  const waiting = useRef<AuditEntry[]>([]);
  listed.current = queue.firstPages > 0 ? queue.items : undefined;

  const fetchOne = useCallback((entry: AuditEntry) => {
    fetched.current++;
    get<ActionView>(`/v1/actions/${encodeURIComponent(entry.actionId)}`).then((action) => {
      if (action.status !== 'pending') return;
      setItems((list) => upsert(list, [action]));
      announce(`New request: ${action.action} on ${action.resource} from ${action.requester}.`);
    }, () => undefined);
  }, [setItems, announce]);

  const consider = useCallback((entry: AuditEntry) => {
    const plan = planLiveRequest(entry.actionId, entry.at, { listed: listed.current, fetchedSinceLoad: fetched.current });
    if (plan === 'wait') waiting.current.push(entry);
    else if (plan === 'fetch') fetchOne(entry);
    else if (plan === 'count') setUnseen((n) => n + 1);
  }, [fetchOne]);

  // Each time the first page answers, the count starts again and what waited for it is decided.
  useEffect(() => {
    if (queue.firstPages === 0) return;
    fetched.current = 0;
    setUnseen(0);
    const held = waiting.current;
    waiting.current = [];
    for (const entry of held) consider(entry);
  }, [queue.firstPages, consider]);

  const onRequest = useCallback((data: unknown) => consider(data as AuditEntry), [consider]);

  const onDecision = useCallback((data: unknown) => {
    const entry = data as AuditEntry;
    setItems((list) => {
      if (!list.some((a) => a.id === entry.actionId)) return list;
      announce(`${entry.action} on ${entry.resource} was ${entry.outcome ?? 'decided'}.`);
      return without(list, entry.actionId);
    });
  }, [setItems, announce]);

  const stream = useEventSource('/v1/stream?approver=me', { request: onRequest, decision: onDecision });

  /** After my vote: the action leaves my queue (I voted), or is replaced if it still waits on me. */
  const settle = useCallback((action: ActionView, stillMine: boolean) => {
    setItems((list) => (stillMine ? upsert(list, [action]) : without(list, action.id)));
    reviews.setItems((list) => (action.review?.status === 'requested' ? upsert(list, [action]) : without(list, action.id)));
  }, [setItems, reviews]);

  /** The newest page again, for the requests counted but not fetched. */
  const showUnseen = useCallback(() => void reload(), [reload]);

  return { queue, reviews, delegations, stream, settle, unseen, showUnseen };
}
