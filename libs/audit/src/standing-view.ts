import type { ActionEvent, StandingApprovalGrantedData } from '@countersign/contracts';
import { readPage, type KeysetOrder, type Page, type PageRequest, type Queryable, type QueryFilter } from './keyset-page.ts';

/** One use of a standing approval: the action it approved. */
export interface StandingUseView {
  actionId: string;
  use: number;
  at: string;
  resource: string;
  paramsHash: string;
}

/**
 * A standing approval (ADR 0004), projected from its requester's ledger stream. `_id` is its id.
 * What depends on the time of reading (its status, the time it has left) is worked out when it is
 * shown (`standingStatusAt`); `remaining` is the uses left.
 */
export interface StandingView
  extends Pick<StandingApprovalGrantedData, 'sourceActionId' | 'action' | 'resource' | 'when' | 'maxUses' | 'grantedAt' | 'expiresAt' | 'grantedBy' | 'rule' | 'policyVersion'> {
  _id: string;
  /** The requester ledger it lives in (its stream id). */
  ledgerId: string;
  requester: string;
  requesterKind: 'agent' | 'human';
  onBehalfOf?: string;
  /** The source action's eligible approvers: they may see and revoke it. */
  eligible: string[];
  uses: number;
  remaining: number;
  usedBy: StandingUseView[];
  revoked?: { by: string; at: string; reason?: string };
  /** Who may see it besides auditors and admins: requester (and the human behind it), grantors, eligible approvers. */
  visibleTo: string[];
  updatedAt: string;
  /** The seq of the last event of the ledger stream applied to it. */
  lastSeq: number;
  [key: string]: unknown;
}

export type StandingStatus = 'active' | 'exhausted' | 'expired' | 'revoked';

/**
 * evolve(view, event) for the standing approvals read model: a grant creates the view, a use counts
 * on it, a revocation marks it. Idempotent: an event at or below the view's `lastSeq` changes
 * nothing. Returns undefined for events that are not about a standing approval it knows.
 */
export function projectStanding(view: StandingView | undefined, event: ActionEvent): StandingView | undefined {
  if (view && event.seq <= view.lastSeq) return view;
  switch (event.type) {
    case 'StandingApprovalGranted': {
      if (view) return view;
      const d = event.data;
      const { requester } = d;
      return {
        _id: d.standingId, ledgerId: event.streamId, sourceActionId: d.sourceActionId,
        requester: requester.id, requesterKind: requester.kind, ...(requester.onBehalfOf ? { onBehalfOf: requester.onBehalfOf } : {}),
        action: d.action, resource: d.resource, ...(d.when !== undefined ? { when: d.when } : {}), maxUses: d.maxUses,
        grantedAt: d.grantedAt, expiresAt: d.expiresAt, grantedBy: d.grantedBy, eligible: d.eligible, rule: d.rule, policyVersion: d.policyVersion,
        uses: 0, remaining: d.maxUses, usedBy: [],
        visibleTo: [...new Set([requester.id, ...(requester.onBehalfOf ? [requester.onBehalfOf] : []), ...d.grantedBy, ...d.eligible])],
        updatedAt: event.occurredAt, lastSeq: event.seq,
      };
    }
    case 'StandingApprovalUsed': {
      if (!view) return undefined;
      const d = event.data;
      const use: StandingUseView = { actionId: d.actionId, use: d.use, at: event.occurredAt, resource: d.resource, paramsHash: d.paramsHash };
      return { ...view, uses: d.use, remaining: Math.max(0, view.maxUses - d.use), usedBy: [...view.usedBy, use], updatedAt: event.occurredAt, lastSeq: event.seq };
    }
    case 'StandingApprovalRevoked': {
      if (!view) return undefined;
      const { revokedBy, reason } = event.data;
      const revoked = { by: revokedBy, at: event.occurredAt, ...(reason !== undefined ? { reason } : {}) };
      return { ...view, revoked, updatedAt: event.occurredAt, lastSeq: event.seq };
    }
    default:
      return undefined;
  }
}

/** The id of the standing approval a ledger event is about. */
export function standingIdOf(event: ActionEvent): string | undefined {
  switch (event.type) {
    case 'StandingApprovalGranted':
    case 'StandingApprovalUsed':
    case 'StandingApprovalRevoked':
      return event.data.standingId;
    default:
      return undefined;
  }
}

/** What a standing approval is at `now`. */
export function standingStatusAt(view: Pick<StandingView, 'revoked' | 'expiresAt' | 'remaining'>, now: Date): StandingStatus {
  if (view.revoked) return 'revoked';
  if (now.getTime() >= Date.parse(view.expiresAt)) return 'expired';
  return view.remaining <= 0 ? 'exhausted' : 'active';
}

/** What `GET /v1/standing-approvals` asks for (the gateway resolves `me`). */
export interface StandingQuery {
  viewer: string;
  readsAll: boolean;
  requester?: string;
  action?: string;
  /** Only those that may still approve something at `now`. */
  activeAt?: Date;
}

/** Newest first. */
export const STANDING_ORDER: KeysetOrder = { field: 'grantedAt', direction: -1 };

export function standingFilter(q: StandingQuery): QueryFilter {
  const and: QueryFilter[] = [];
  if (!q.readsAll) and.push({ visibleTo: q.viewer });
  if (q.requester) and.push({ requester: q.requester });
  if (q.action) and.push({ action: q.action });
  if (q.activeAt) and.push({ revoked: { $exists: false }, remaining: { $gt: 0 }, expiresAt: { $gt: q.activeAt.toISOString() } });
  return and.length > 0 ? { $and: and } : {};
}

export function findStanding(views: Queryable<StandingView>, q: StandingQuery, page: PageRequest, size: (view: StandingView) => number): Promise<Page<StandingView>> {
  return readPage(views, standingFilter(q), STANDING_ORDER, page, size);
}
