import { POLICY_PUBLISH_ACTION, standingLedgerId, type ActionEvent, type CommandDataByType } from '@countersign/contracts';
import type { ApprovalState } from '../state.ts';
import type { LedgerState } from './ledger.ts';

type FollowUpType = 'GrantStandingApproval' | 'UseStandingApproval' | 'ApproveUnderStanding';

/** A command the router sends to another stream, in the same transaction as the events that call for it. */
export type StandingFollowUp = {
  [K in FollowUpType]: { type: K; /** The stream it is for: the commands topic's key. */ key: string; correlationId: string; data: CommandDataByType[K] };
}[FollowUpType];

/**
 * What the events just appended to one stream ask of another (ADR 0004), given the stream's state
 * after them. An action's approval whose approvers all offered the same terms grants a standing
 * approval in the requester's ledger; an action now pending under a rule that allows standing
 * approvals asks the ledger whether one covers it; a ledger that counted a use approves the action.
 * Each stream stays written by its own router: these are commands, never events of the other stream.
 */
export function standingFollowUps(events: readonly ActionEvent[], after: ApprovalState | LedgerState): StandingFollowUp[] {
  const out: StandingFollowUp[] = [];
  for (const event of events) {
    if ('kind' in after) {
      if (event.type !== 'StandingApprovalUsed') continue;
      const record = Object.hasOwn(after.approvals, event.data.standingId) ? after.approvals[event.data.standingId] : undefined;
      if (!record) continue;
      const g = record.granted;
      const d = event.data;
      out.push({
        type: 'ApproveUnderStanding', key: d.actionId, correlationId: d.actionId,
        data: { id: d.standingId, use: d.use, maxUses: d.maxUses, expiresAt: d.expiresAt, sourceActionId: g.sourceActionId, grantedBy: g.grantedBy, rule: g.rule, paramsHash: d.paramsHash },
      });
      continue;
    }
    if (after.status === 'none') continue;
    const { proposal } = after;
    if (proposal.action === POLICY_PUBLISH_ACTION) continue;
    const ledger = standingLedgerId(proposal.requester.id);
    if (event.type === 'ApprovalRequested' && event.data.standing && after.status === 'pending') {
      const r = event.data;
      out.push({
        type: 'UseStandingApproval', key: ledger, correlationId: event.streamId,
        data: {
          actionId: event.streamId, requester: proposal.requester, action: proposal.action, resource: proposal.resource, params: proposal.params,
          paramsHash: proposal.paramsHash, rule: r.rule, quorum: r.quorum, distinctGroups: r.distinctGroups, eligible: r.eligible,
          eligibleGroups: r.eligibleGroups, deadline: r.deadline,
        },
      });
    }
    if (event.type === 'ActionApproved' && event.data.grantedStanding && after.status === 'approved' && after.request) {
      const g = event.data.grantedStanding;
      const eligible = [...new Set([...after.request.eligible, ...(after.escalated?.added ?? [])])];
      out.push({
        type: 'GrantStandingApproval', key: ledger, correlationId: event.streamId,
        data: {
          standingId: g.id, sourceActionId: event.streamId, requester: proposal.requester, action: proposal.action, resource: g.resource,
          ...(g.when !== undefined ? { when: g.when } : {}), maxUses: g.maxUses, grantedAt: event.occurredAt, expiresAt: g.expiresAt,
          grantedBy: event.data.approvers, rule: event.data.rule, policyVersion: event.data.policyVersion, eligible,
        },
      });
    }
  }
  return out;
}
