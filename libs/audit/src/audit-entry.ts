import type { ActionEvent } from '@countersign/contracts';
import type { ActionView, DecisionOutcome } from './action-view.ts';
import { summarize } from './audit-summary.ts';

/** One row of the audit trail: an event, with the action's what/who denormalised for filtering. */
export interface AuditEntry {
  /** `<actionId>:<seq, zero-padded>` so ids sort in stream order. */
  _id: string;
  at: string;
  actionId: string;
  seq: number;
  type: string;
  actor: string;
  actorKind: string;
  action: string;
  resource: string;
  requester: string;
  /** Set on decision events. */
  outcome?: DecisionOutcome;
  /** Principals who approved or denied (votes and decisions). */
  approvers?: string[];
  reason?: string;
  comment?: string;
  policyVersion?: string;
  rule?: string;
  paramsHash?: string;
  /** The event in one sentence, e.g. "escalated to sre-leads: bob, carol may now vote". */
  summary: string;
  /** What else the event says that a reviewer may need, by event type (JSON only, not in CSV). */
  details?: Record<string, unknown>;
  hash: string;
  prevHash: string;
  [key: string]: unknown;
}

export const auditEntryId = (actionId: string, seq: number) => `${actionId}:${String(seq).padStart(8, '0')}`;

/** Builds the audit row of `event`, given the view of its action after the event. */
export function auditEntryFor(view: ActionView, event: ActionEvent): AuditEntry {
  const entry: AuditEntry = {
    _id: auditEntryId(event.streamId, event.seq),
    at: event.occurredAt,
    actionId: event.streamId,
    seq: event.seq,
    type: event.type,
    actor: event.actor.id,
    actorKind: event.actor.kind,
    action: view.action,
    resource: view.resource,
    requester: view.requester,
    summary: summarize(view, event),
    hash: event.hash,
    prevHash: event.prevHash,
  };
  switch (event.type) {
    case 'ActionProposed':
      return { ...entry, paramsHash: event.data.paramsHash, ...(event.data.justification ? { reason: event.data.justification } : {}) };
    case 'PolicyEvaluated': {
      const d = event.data;
      const details = { outcome: d.outcome, matchedRules: d.matchedRules, ...pick(d, 'explanation', 'conditions') };
      return { ...entry, reason: d.reason, policyVersion: d.policyVersion, rule: d.rule, details };
    }
    case 'ApprovalRequested': {
      const d = event.data;
      const details = { groups: d.groups, quorum: d.quorum, eligible: d.eligible, deadline: d.deadline, ...pick(d, 'channels', 'escalation', 'breakGlass', 'stepUp') };
      return { ...entry, policyVersion: d.policyVersion, rule: d.rule, details };
    }
    case 'ApprovalEscalated': {
      const d = event.data;
      return { ...entry, details: { groups: d.groups, added: d.added, at: d.at, ...pick(d, 'channels') } };
    }
    case 'VoteRecorded': {
      const d = event.data;
      return {
        ...entry, approvers: d.onBehalfOf ? [d.voter, d.onBehalfOf] : [d.voter], ...(d.comment ? { comment: d.comment } : {}),
        // The step-up (docs/step-up.md): which passkey, when, the challenge it signed.
        // A delegate's vote (ADR 0010): who cast it, for whom, under which delegation.
        ...(d.breakGlass || d.stepUp || d.onBehalfOf ? { details: { ...pick(d, 'breakGlass', 'stepUp', 'onBehalfOf', 'delegation'), ...(d.onBehalfOf ? { castBy: d.voter } : {}) } } : {}),
      };
    }
    case 'CommandRejected':
      return { ...entry, reason: `${event.data.code}: ${event.data.reason}` };
    case 'ActionApproved':
    case 'ActionDenied':
    case 'ActionExpired':
    case 'ActionCancelled': {
      const d = view.decision!;
      return {
        ...entry, outcome: d.outcome, approvers: d.automatic ? [] : d.by, reason: d.reason,
        policyVersion: d.policyVersion, rule: d.rule, paramsHash: d.paramsHash,
        ...(d.breakGlass || d.standing || d.grantedStanding ? { details: pick(d, 'breakGlass', 'standing', 'grantedStanding') } : {}),
      };
    }
    case 'ReviewRequested': {
      const d = event.data;
      // The approver under review is named, so `approver=<them>` finds the review with their approval.
      return { ...entry, approvers: [d.approvedBy], reason: d.reason, details: { reviewGroups: d.reviewGroups, reviewers: d.reviewers, due: d.due } };
    }
    case 'ReviewRecorded': {
      const d = event.data;
      // As on ReviewRequested, the approver under review is named, so `approver=<them>` finds the verdict too.
      const approvers = view.review ? { approvers: [view.review.approvedBy] } : {};
      const due = view.review ? { due: view.review.due } : {};
      return { ...entry, ...approvers, comment: d.comment, details: { reviewer: d.reviewer, verdict: d.verdict, late: d.late, ...due } };
    }
    case 'PolicyPublished': {
      const d = event.data;
      const details = { author: d.author, files: d.files.map((f) => f.path), ...pick(d, 'previousVersion', 'rollbackOf') };
      return { ...entry, approvers: d.approvers, policyVersion: d.version, details };
    }
    case 'NotificationDelivered': {
      const d = event.data;
      return { ...entry, details: { channel: d.channel, purpose: d.purpose, attempt: d.attempt, ...pick(d, 'ref', 'updated') } };
    }
    case 'NotificationFailed': {
      const d = event.data;
      return { ...entry, reason: d.reason, details: { channel: d.channel, purpose: d.purpose, attempt: d.attempt, ...pick(d, 'nextAttemptAt') } };
    }
    case 'ExecutionStarted': {
      const d = event.data;
      return { ...entry, details: { executor: d.executor, grantId: d.grantId, kid: d.kid, startedAt: d.startedAt, paramsHash: d.paramsHash } };
    }
    case 'ActionExecuted': {
      const d = event.data;
      return {
        ...entry, ...(d.error ? { reason: d.error } : {}),
        details: { executor: d.executor, outcome: d.outcome, grantId: d.grantId, kid: d.kid, startedAt: d.startedAt, finishedAt: d.finishedAt, paramsHash: d.paramsHash },
      };
    }
    // A requester ledger's events (ADR 0004): `actionId` is the ledger's stream, the action and resource are the standing approval's.
    case 'StandingApprovalGranted': {
      const d = event.data;
      return {
        ...entry, approvers: d.grantedBy, rule: d.rule, policyVersion: d.policyVersion,
        details: { standingId: d.standingId, sourceActionId: d.sourceActionId, maxUses: d.maxUses, expiresAt: d.expiresAt, ...pick(d, 'when') },
      };
    }
    case 'StandingApprovalUsed': {
      const d = event.data;
      return { ...entry, paramsHash: d.paramsHash, details: { standingId: d.standingId, usedBy: d.actionId, use: d.use, maxUses: d.maxUses, resource: d.resource } };
    }
    case 'StandingApprovalRevoked': {
      const d = event.data;
      return { ...entry, ...(d.reason ? { reason: d.reason } : {}), details: { standingId: d.standingId, revokedBy: d.revokedBy } };
    }
    // A principal's passkeys (ADR 0009), in their ledger: never the key itself, only what names it.
    case 'PasskeyRegistered': {
      const d = event.data;
      return { ...entry, details: { principal: d.principal, credentialId: d.credentialId, name: d.name, transports: d.transports, ...pick(d, 'aaguid') } };
    }
    case 'PasskeyRemoved': {
      const d = event.data;
      return { ...entry, details: { principal: d.principal, credentialId: d.credentialId, removedBy: d.removedBy } };
    }
    // A delegator's ledger (ADR 0010): `actionId` is the ledger's stream.
    case 'ApprovalDelegated': {
      const d = event.data;
      return { ...entry, ...(d.reason ? { reason: d.reason } : {}), details: { delegationId: d.delegationId, delegator: d.delegator, delegate: d.delegate, from: d.from, until: d.until } };
    }
    case 'DelegationRevoked': {
      const d = event.data;
      return { ...entry, ...(d.reason ? { reason: d.reason } : {}), details: { delegationId: d.delegationId, revokedBy: d.by } };
    }
    case 'DelegatedVoteRelayed': {
      const d = event.data;
      return { ...entry, details: { delegationId: d.delegationId, votedOn: d.actionId, castBy: d.vote.voter, onBehalfOf: d.vote.onBehalfOf, decision: d.vote.decision } };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event type ${(unknown as ActionEvent).type}`);
    }
  }
}

/** The named fields of `data` that are set: optional fields stay absent rather than null. */
function pick<T extends object, K extends keyof T>(data: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]])) as Partial<Pick<T, K>>;
}
