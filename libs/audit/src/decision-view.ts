import type { ActionEvent, StandingGrantReference, StandingUseReference } from '@countersign/contracts';

export type DecisionOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';

export interface DecisionView {
  outcome: DecisionOutcome;
  at: string;
  /** Who decided: approvers, the denier, the canceller, or a service for automatic decisions. */
  by: string[];
  automatic: boolean;
  reason: string;
  rule: string;
  policyVersion: string;
  paramsHash: string;
  /** Approved alone under break-glass (a review is then requested). */
  breakGlass?: true;
  /** Approved at once under a standing approval: which, and which use (ADR 0004). */
  standing?: StandingUseReference;
  /** The standing approval this approval granted the requester. */
  grantedStanding?: StandingGrantReference;
}

export function decisionOf(event: ActionEvent, outcome: DecisionOutcome): DecisionView {
  const d = event.data as { rule: string; policyVersion: string; paramsHash: string; reason: string };
  const common = { outcome, at: event.occurredAt, reason: d.reason, rule: d.rule, policyVersion: d.policyVersion, paramsHash: d.paramsHash };
  switch (event.type) {
    case 'ActionApproved':
      return {
        ...common, automatic: event.data.automatic, by: event.data.automatic ? [event.actor.id] : event.data.approvers,
        ...(event.data.breakGlass ? { breakGlass: true as const } : {}),
        ...(event.data.standing ? { standing: event.data.standing } : {}),
        ...(event.data.grantedStanding ? { grantedStanding: event.data.grantedStanding } : {}),
      };
    case 'ActionDenied':
      return { ...common, automatic: event.data.automatic, by: [event.data.deniedBy ?? event.actor.id] };
    case 'ActionCancelled':
      return { ...common, automatic: false, by: [event.data.cancelledBy] };
    default:
      return { ...common, automatic: true, by: [event.actor.id] };
  }
}
