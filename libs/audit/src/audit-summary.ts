import type { ActionEvent } from '@countersign/contracts';
import type { ActionView } from './action-view.ts';

/** Versions are SHA-256 hex: twelve characters name one unambiguously enough for a sentence. */
export const shortVersion = (version: string) => version.slice(0, 12);

const names = (list: readonly string[]) => (list.length > 0 ? list.join(', ') : 'nobody');
const withText = (sentence: string, text: string | undefined) => (text ? `${sentence}: ${text}` : sentence);

/**
 * One sentence a compliance reader can follow without knowing the event schema, for the audit
 * row of `event`, given the view of its action after the event.
 */
export function summarize(view: ActionView, event: ActionEvent): string {
  switch (event.type) {
    case 'ActionProposed': {
      const d = event.data;
      const who = d.requester.onBehalfOf ? `${d.requester.id} (for ${d.requester.onBehalfOf})` : d.requester.id;
      return withText(`${who} proposed ${d.action} on ${d.resource}`, d.justification);
    }
    case 'PolicyEvaluated': {
      const d = event.data;
      return `policy ${shortVersion(d.policyVersion)}: ${d.outcome} under rule ${d.rule} — ${d.explanation ?? d.reason}`;
    }
    case 'ApprovalRequested': {
      const d = event.data;
      const parts = [`approval requested from ${names(d.groups)} (quorum ${d.quorum}${d.distinctGroups ? ', distinct groups' : ''}): ${names(d.eligible)} may vote until ${d.deadline}`];
      if (d.escalation) parts.push(`escalates to ${names(d.escalation.groups)} at ${d.escalation.at}`);
      if (d.breakGlass) parts.push(`break-glass possible for ${names(d.breakGlass.eligible)}`);
      return parts.join('; ');
    }
    case 'ApprovalEscalated': {
      const d = event.data;
      return `escalated to ${names(d.groups)}: ${d.added.length > 0 ? `${d.added.join(', ')} may now vote` : 'nobody new may vote'}`;
    }
    case 'VoteRecorded': {
      const d = event.data;
      const stepUp = d.stepUp ? ` with step-up (passkey ${d.stepUp.credentialId})` : '';
      if (d.breakGlass) return withText(`break-glass approval by ${d.voter} via ${d.via}${stepUp}`, d.comment);
      const forWhom = d.onBehalfOf ? ` on behalf of ${d.onBehalfOf} (delegation ${d.delegation ?? 'unknown'})` : '';
      return withText(`${d.voter} ${d.decision === 'approve' ? 'approved' : 'denied'}${forWhom} via ${d.via}${stepUp}`, d.comment);
    }
    case 'CommandRejected': {
      const d = event.data;
      return `${d.command} by ${d.by} refused (${d.code}): ${d.reason}`;
    }
    case 'ActionApproved':
    case 'ActionDenied':
    case 'ActionExpired':
    case 'ActionCancelled': {
      const d = view.decision!;
      const how = d.breakGlass ? ' under break-glass' : d.standing ? ` under standing approval ${d.standing.id} (use ${d.standing.use} of ${d.standing.maxUses})` : '';
      const by = d.automatic ? ' automatically' : ` by ${names(d.by)}`;
      return withText(`${d.outcome}${how}${by}`, d.reason);
    }
    case 'ReviewRequested': {
      const d = event.data;
      return `break-glass approval by ${d.approvedBy} — review requested from ${names(d.reviewGroups)} by ${d.due}`;
    }
    case 'ReviewRecorded': {
      const d = event.data;
      const verdict = d.verdict === 'concerns' ? `concerns — ${d.comment}` : d.verdict;
      const late = d.late ? ` (late: it was due ${view.review?.due ?? 'earlier'})` : '';
      return `break-glass approval reviewed by ${d.reviewer}: ${verdict}${late}`;
    }
    case 'PolicyPublished': {
      const d = event.data;
      const approved = d.approvers.length > 0 ? `, approved by ${d.approvers.join(', ')}` : '';
      const replaces = d.rollbackOf
        ? ` (rolls back ${shortVersion(d.rollbackOf)})`
        : d.previousVersion ? ` (replaces ${shortVersion(d.previousVersion)})` : '';
      return `policy ${shortVersion(d.version)} published by ${d.author}${approved}${replaces}`;
    }
    case 'NotificationDelivered': {
      const d = event.data;
      const what = d.updated ? `${d.purpose} message updated in` : `${d.purpose} delivered to`;
      return `${what} ${d.channel}${d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`;
    }
    case 'NotificationFailed': {
      const d = event.data;
      const next = d.nextAttemptAt ? `next attempt at ${d.nextAttemptAt}` : 'the notifier gave up';
      return `${d.purpose} delivery to ${d.channel} failed (attempt ${d.attempt}): ${d.reason}; ${next}`;
    }
    case 'ExecutionStarted':
      return `grant ${event.data.grantId} (key ${event.data.kid}) redeemed by ${event.data.executor}: execution started`;
    case 'ActionExecuted': {
      const d = event.data;
      return `executed by ${d.executor}: ${d.outcome}${d.error ? ` — ${d.error}` : ''} (${d.startedAt} to ${d.finishedAt})`;
    }
    case 'StandingApprovalGranted': {
      const d = event.data;
      const where = d.when ? ` where ${d.when}` : '';
      return `standing approval ${d.standingId} granted to ${d.requester.id} by ${names(d.grantedBy)} (approving action ${d.sourceActionId}): ` +
        `${d.action} on ${d.resource}${where}, up to ${d.maxUses} use(s) until ${d.expiresAt}`;
    }
    case 'StandingApprovalUsed': {
      const d = event.data;
      return `standing approval ${d.standingId} used (${d.use} of ${d.maxUses}) to approve action ${d.actionId} on ${d.resource}`;
    }
    case 'StandingApprovalRevoked':
      return withText(`standing approval ${event.data.standingId} revoked by ${event.data.revokedBy}`, event.data.reason);
    case 'PasskeyRegistered':
      return `passkey "${event.data.name}" (${event.data.credentialId}) registered by ${event.data.principal}`;
    case 'PasskeyRemoved':
      return `passkey ${event.data.credentialId} of ${event.data.principal} removed by ${event.data.removedBy}`;
    case 'ApprovalDelegated': {
      const d = event.data;
      return withText(`${d.delegator} delegated their approvals to ${d.delegate} from ${d.from} until ${d.until} (delegation ${d.delegationId})`, d.reason);
    }
    case 'DelegationRevoked':
      return withText(`delegation ${event.data.delegationId} revoked by ${event.data.by}`, event.data.reason);
    case 'DelegatedVoteRelayed': {
      const d = event.data;
      return `${d.vote.voter} voted (${d.vote.decision}) on action ${d.actionId} on behalf of ${d.vote.onBehalfOf} under delegation ${d.delegationId}`;
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event type ${(unknown as ActionEvent).type}`);
    }
  }
}
