import type { CastVoteData, DecisionData, RejectionCode, VoteRecordedData } from '@countersign/contracts';
import type { ApprovalEventDraft } from './context.ts';
import type { Pending } from './state.ts';

/** Records a refusal of the vote being decided. */
export type Refuse = (code: RejectionCode, reason: string) => ApprovalEventDraft[];

/** The vote as recorded: optional fields only when given, so the event matches its schema. */
export function voteRecorded(vote: CastVoteData, breakGlass = false): VoteRecordedData {
  return {
    voter: vote.voter,
    decision: vote.decision,
    via: vote.via,
    ...(vote.comment !== undefined ? { comment: vote.comment } : {}),
    ...(vote.identity !== undefined ? { identity: vote.identity } : {}),
    ...(breakGlass ? { breakGlass: true } : {}),
    ...(vote.paramsHash !== undefined ? { paramsHash: vote.paramsHash } : {}),
    ...(vote.standing !== undefined ? { standing: vote.standing } : {}),
    ...(vote.onBehalfOf !== undefined ? { onBehalfOf: vote.onBehalfOf } : {}),
    ...(vote.delegation !== undefined ? { delegation: vote.delegation } : {}),
    ...(vote.stepUp !== undefined ? { stepUp: vote.stepUp } : {}),
  };
}

/** Why this voter may not vote again (each approver counts once), or undefined. */
export function duplicateVote(voter: string, state: Pending): string | undefined {
  const earlier = state.votes.find((v) => v.voter === voter);
  return earlier ? `${voter} has already voted (${earlier.decision}) on this action; each approver counts once.` : undefined;
}

/** The facts every decision on a pending request carries (rule 6), but its reason. */
export function decisionBase(state: Pending): Omit<DecisionData, 'reason'> {
  return { rule: state.request.rule, policyVersion: state.request.policyVersion, paramsHash: state.proposal.paramsHash };
}
