import type { ActionEvent, ApprovalDelegatedData, VoteDecision } from '@countersign/contracts';
import { auditEntryFor, type AuditEntry } from './audit-entry.ts';
import type { ActionView } from './action-view.ts';
import { readPage, type KeysetOrder, type Page, type PageRequest, type Queryable, type QueryFilter } from './keyset-page.ts';

/** A vote a delegate cast under a delegation: which action, how, when. */
export interface DelegatedVoteView {
  actionId: string;
  decision: VoteDecision;
  at: string;
}

/**
 * A delegation (ADR 0010), projected from its delegator's ledger stream. `_id` is its id. Its
 * status depends on the time of reading (`delegationStatus` in the approval library).
 */
export interface DelegationView extends Pick<ApprovalDelegatedData, 'delegator' | 'delegate' | 'from' | 'until' | 'reason'> {
  _id: string;
  /** The delegator's ledger (its stream id). */
  ledgerId: string;
  createdAt: string;
  revoked?: { by: string; at: string; reason?: string };
  votes: DelegatedVoteView[];
  /** Who may see it besides auditors and admins: its delegator and delegate. */
  visibleTo: string[];
  updatedAt: string;
  lastSeq: number;
  [key: string]: unknown;
}

/** evolve(view, event) for the delegations read model; idempotent by the ledger's seq. */
export function projectDelegation(view: DelegationView | undefined, event: ActionEvent): DelegationView | undefined {
  if (view && event.seq <= view.lastSeq) return view;
  switch (event.type) {
    case 'ApprovalDelegated': {
      if (view) return view;
      const d = event.data;
      return {
        _id: d.delegationId, ledgerId: event.streamId, delegator: d.delegator, delegate: d.delegate, from: d.from, until: d.until,
        ...(d.reason !== undefined ? { reason: d.reason } : {}), createdAt: event.occurredAt, votes: [], visibleTo: [d.delegator, d.delegate],
        updatedAt: event.occurredAt, lastSeq: event.seq,
      };
    }
    case 'DelegationRevoked': {
      if (!view) return undefined;
      const { by, reason } = event.data;
      return { ...view, revoked: { by, at: event.occurredAt, ...(reason !== undefined ? { reason } : {}) }, updatedAt: event.occurredAt, lastSeq: event.seq };
    }
    case 'DelegatedVoteRelayed': {
      if (!view) return undefined;
      const vote = { actionId: event.data.actionId, decision: event.data.vote.decision, at: event.occurredAt };
      return { ...view, votes: [...view.votes, vote], updatedAt: event.occurredAt, lastSeq: event.seq };
    }
    default:
      return undefined;
  }
}

export interface DelegationBatch {
  views: Map<string, DelegationView>;
  entries: AuditEntry[];
  events: ActionEvent[];
  orphans: ActionEvent[];
}

/** As `projectStandingBatch`: each delegation loaded once per batch, a redelivered event changes nothing, each applied event gets its audit row. */
export async function projectDelegationBatch(events: readonly ActionEvent[], load: (id: string) => Promise<DelegationView | undefined>): Promise<DelegationBatch> {
  const batch: DelegationBatch = { views: new Map(), entries: [], events: [], orphans: [] };
  const current = new Map<string, DelegationView | undefined>();
  for (const event of events) {
    const id = (event.data as { delegationId?: string }).delegationId;
    if (typeof id !== 'string') {
      batch.orphans.push(event);
      continue;
    }
    const before = current.has(id) ? current.get(id) : await load(id);
    const after = projectDelegation(before, event);
    current.set(id, after ?? before);
    if (!after) {
      batch.orphans.push(event);
      continue;
    }
    if (after === before) continue;
    batch.views.set(id, after);
    // The audit trail names the delegator as requester and the delegation as what happened.
    const subject = { action: 'countersign.delegation', resource: `delegations/${after.delegator}`, requester: after.delegator } as unknown as ActionView;
    batch.entries.push(auditEntryFor(subject, event));
    batch.events.push(event);
  }
  return batch;
}

/** Newest first. */
export const DELEGATIONS_ORDER: KeysetOrder = { field: 'createdAt', direction: -1 };

/** What `GET /v1/delegations` asks for: the viewer's, as delegator or delegate (everyone's for auditors and admins who ask for all). */
export interface DelegationsQuery {
  viewer: string;
  all?: boolean;
  /** Only those not revoked and not ended at this time. */
  liveAt?: Date;
}

export function delegationsFilter(q: DelegationsQuery): QueryFilter {
  const and: QueryFilter[] = [];
  if (!q.all) and.push({ visibleTo: q.viewer });
  if (q.liveAt) and.push({ revoked: { $exists: false }, until: { $gt: q.liveAt.toISOString() } });
  return and.length > 0 ? { $and: and } : {};
}

export function findDelegations(views: Queryable<DelegationView>, q: DelegationsQuery, page: PageRequest, size: (view: DelegationView) => number): Promise<Page<DelegationView>> {
  return readPage(views, delegationsFilter(q), DELEGATIONS_ORDER, page, size);
}

/** More live delegations than anyone can hold or be given (5 per delegator; a delegate of many colleagues stays well below). */
const LIVE_LIMIT = 200;

/** The delegations that let `delegate` vote for someone at `now` (their delegators, for the inbox and the vote's default). */
export function activeDelegationsTo(views: Queryable<DelegationView>, delegate: string, now: Date): Promise<DelegationView[]> {
  const at = now.toISOString();
  return views.find({ delegate, revoked: { $exists: false }, from: { $lte: at }, until: { $gt: at } }, { sort: { until: 1 }, limit: LIVE_LIMIT });
}

/** The delegations of `delegator` not revoked nor ended at `now` (the gateway's check of a new one). */
export function liveDelegationsOf(views: Queryable<DelegationView>, delegator: string, now: Date): Promise<DelegationView[]> {
  return views.find({ delegator, revoked: { $exists: false }, until: { $gt: now.toISOString() } }, { sort: { until: 1 }, limit: LIVE_LIMIT });
}
