import type { ActionStatus, ActionView } from './action-view.ts';
import { readPage, type KeysetOrder, type Page, type PageRequest, type Queryable, type QueryFilter } from './keyset-page.ts';

/** What `GET /v1/actions` asks for, in the read model's terms (the gateway resolves `me`). */
export interface ActionsQuery {
  /** Who is asking: only actions they are involved in, unless they read everything. */
  viewer: string;
  readsAll: boolean;
  status?: ActionStatus;
  requester?: string;
  action?: string;
  /** The queue of this principal: pending, eligible, not voted yet. */
  awaitingVoteBy?: string;
  /**
   * With `awaitingVoteBy`: the delegators whose votes it may cast now (ADR 0010). Their queues join
   * its own (pending, the delegator eligible, neither they nor anyone for them voted), though it is
   * not involved in their actions.
   */
  awaitingVoteFor?: readonly string[];
  /** Break-glass approvals whose review is still open. */
  reviewPending?: boolean;
}

/** Newest first. */
export const ACTIONS_ORDER: KeysetOrder = { field: 'createdAt', direction: -1 };

/** Statuses of an action that is not decided yet: what the per-requester quota counts. */
export const UNDECIDED_STATUSES: readonly ActionStatus[] = ['proposed', 'pending'];

export function actionsFilter(q: ActionsQuery): QueryFilter {
  const and: QueryFilter[] = [];
  const delegators = q.awaitingVoteBy ? (q.awaitingVoteFor ?? []).filter((p) => p !== q.awaitingVoteBy) : [];
  if (!q.readsAll) and.push(delegators.length > 0 ? { $or: [{ involved: q.viewer }, { 'approval.eligible': { $in: [...delegators] } }] } : { involved: q.viewer });
  if (q.status) and.push({ status: q.status });
  if (q.requester) and.push({ requester: q.requester });
  if (q.action) and.push({ action: q.action });
  if (q.awaitingVoteBy && delegators.length === 0) and.push({ status: 'pending', 'approval.eligible': q.awaitingVoteBy, 'votes.voter': { $ne: q.awaitingVoteBy } });
  if (q.awaitingVoteBy && delegators.length > 0) {
    // A queue per principal; a delegated vote (`votes.onBehalfOf`) takes the delegator's turn, and the viewer casts one vote per action.
    const queue = (p: string) => ({ 'approval.eligible': p, 'votes.voter': { $ne: p }, 'votes.onBehalfOf': { $ne: p } });
    and.push({ status: 'pending', 'votes.voter': { $ne: q.awaitingVoteBy }, $or: [q.awaitingVoteBy, ...delegators].map(queue) });
  }
  // Reviewers are `involved`, so they find the reviews that are theirs.
  if (q.reviewPending) and.push({ 'review.status': 'requested' });
  return and.length > 0 ? { $and: and } : {};
}

export function findActions(actions: Queryable<ActionView>, q: ActionsQuery, page: PageRequest, size: (view: ActionView) => number): Promise<Page<ActionView>> {
  return readPage(actions, actionsFilter(q), ACTIONS_ORDER, page, size);
}

/**
 * How many actions of `requester` are still undecided, besides those of `except`. One count per
 * status, each by equality only: FerretDB v1 hands equality on plain fields to PostgreSQL, while
 * `status: { $in }` made it decode every action of the requester, decided ones included (a cost
 * that grew with the requester's history and overloaded it at 25 proposals/s).
 */
export async function countUndecided(actions: Queryable<ActionView>, requester: string, except: readonly string[] = []): Promise<number> {
  const counts = await Promise.all(UNDECIDED_STATUSES.map((status) =>
    actions.count({ requester, status, ...(except.length > 0 ? { _id: { $nin: [...except] } } : {}) })));
  return counts.reduce((a, b) => a + b, 0);
}
