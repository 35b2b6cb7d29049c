import { useCallback } from 'react';
import { get } from '../api/http.ts';
import { useDelegations } from '../api/delegations.ts';
import type { ActionView, AuditEntry } from '../api/types.ts';
import { appendCursor, usePaged } from '../api/use-paged.ts';
import { useEventSource } from '../api/use-event-source.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { upsert, without } from '../lib/inbox-list.ts';

const QUEUE = '/v1/actions?approver=me&limit=25';
const REVIEWS = '/v1/actions?review=pending&limit=25';

/**
 * My queue: the first page of `approver=me`, more on demand, and the approver feed (SSE) on top:
 * a request that names me is fetched and added, a decision takes its action out. The feed is
 * opened first, as docs/api.md advises, so nothing between the listing and the feed is missed
 * (entries seen twice are merged by id).
 */
export function useInbox() {
  const announce = useAnnounce();
  const queue = usePaged<ActionView>(QUEUE, appendCursor);
  const reviews = usePaged<ActionView>(REVIEWS, appendCursor);
  // Delegations to me decide on whose behalf I vote.
  const delegations = useDelegations();
  const { setItems } = queue;

  const onRequest = useCallback((data: unknown) => {
    const entry = data as AuditEntry;
    get<ActionView>(`/v1/actions/${encodeURIComponent(entry.actionId)}`).then((action) => {
      if (action.status !== 'pending') return;
      setItems((list) => upsert(list, [action]));
      announce(`New request: ${action.action} on ${action.resource} from ${action.requester}.`);
    }, () => undefined);
  }, [setItems, announce]);

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

  return { queue, reviews, delegations, stream, settle };
}
