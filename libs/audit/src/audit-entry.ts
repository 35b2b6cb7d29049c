import type { ActionEvent } from '@countersign/contracts';
import type { ActionView, DecisionOutcome } from './action-view.ts';

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
    hash: event.hash,
    prevHash: event.prevHash,
  };
  switch (event.type) {
    case 'ActionProposed':
      return { ...entry, paramsHash: event.data.paramsHash, ...(event.data.justification ? { reason: event.data.justification } : {}) };
    case 'PolicyEvaluated':
      return { ...entry, reason: event.data.reason, policyVersion: event.data.policyVersion, rule: event.data.rule };
    case 'ApprovalRequested':
      return { ...entry, policyVersion: event.data.policyVersion, rule: event.data.rule };
    case 'VoteRecorded':
      return { ...entry, approvers: [event.data.voter], ...(event.data.comment ? { comment: event.data.comment } : {}) };
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
      };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event type ${(unknown as ActionEvent).type}`);
    }
  }
}
