// The sentences of a simulation report: what happened to an action, and what the candidate
// policy would do instead ("was approved by bob; would now be denied by rule no-prod-exports").
import type { ApprovalRequirement, PolicyEvaluatedData, PolicyOutcome } from '@countersign/contracts';
import { describeApproval } from '../reasons.ts';
import type { FinalDecision } from './action-history.ts';

/** `was auto-approved`, `was approved by alice, erin`, `expired without approval`, … */
export function describeHappened(decision: FinalDecision | undefined, outcomeThen: PolicyOutcome): string {
  if (!decision) return outcomeThen === 'require_approval' ? 'is still waiting for approval' : 'has no decision recorded yet';
  switch (decision.kind) {
    case 'approved':
      if (decision.automatic) return 'was auto-approved';
      return `was approved by ${decision.approvers.join(', ')}${decision.breakGlass ? ' (break-glass)' : ''}`;
    case 'denied':
      return decision.deniedBy !== undefined ? `was denied by ${decision.deniedBy}` : 'was denied by policy';
    case 'expired':
      return 'expired without approval';
    case 'cancelled':
      return `was cancelled by ${decision.cancelledBy}`;
    default: {
      const never: never = decision;
      throw new Error(`unknown decision ${String((never as FinalDecision).kind)}`);
    }
  }
}

/** `would now run automatically (rule r)`, `would now be denied by rule r`, `would now need 2 approvals from …`. */
export function describeCandidate(candidate: PolicyEvaluatedData): string {
  switch (candidate.outcome) {
    case 'allow':
      return `would now run automatically (rule ${candidate.rule})`;
    case 'deny':
      return candidate.rule === 'default' ? 'would now be denied: no rule matches (fail closed)' : `would now be denied by rule ${candidate.rule}`;
    case 'require_approval':
      return `would now need ${needs(candidate.approval)} (rule ${candidate.rule})`;
    default: {
      const never: never = candidate.outcome;
      throw new Error(`unknown outcome ${String(never)}`);
    }
  }
}

/** The whole change in one sentence, with what happened first. */
export function describeChange(then: PolicyEvaluatedData, candidate: PolicyEvaluatedData, decision: FinalDecision | undefined): string {
  const happened = describeHappened(decision, then.outcome);
  if (then.outcome === 'require_approval' && candidate.outcome === 'require_approval') {
    return `needed ${needs(then.approval)} and ${happened}; ${describeCandidate(candidate)}`;
  }
  return `${happened}; ${describeCandidate(candidate)}`;
}

const needs = (approval: ApprovalRequirement | undefined) => (approval ? describeApproval(approval) : 'approval');
