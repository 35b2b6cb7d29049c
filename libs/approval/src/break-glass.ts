import type { CastVoteData, CommandEnvelope } from '@countersign/contracts';
import { listWords, principalActor, ROUTER, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { describeRequirement, secondsFrom } from './approval-request.ts';
import { humanMembers, requesterExclusions } from './members.ts';
import { approvalOutcome } from './publication.ts';
import type { Pending } from './state.ts';
import { decisionBase, duplicateVote, voteRecorded, type Refuse } from './vote-record.ts';
import { stepUpProblem } from './step-up.ts';

/**
 * An emergency approval: one member of the rule's break-glass groups approves alone, saying why.
 * Called for an approving `breakGlass` vote once the action is known open and the voter is not
 * its requester. The approval is flagged, and a review by the review groups (never the approver
 * nor the requester) is requested in the same batch: break-glass is never the last word.
 */
export function decideBreakGlass(
  command: CommandEnvelope<'CastVote', CastVoteData>,
  state: Pending,
  ctx: DecideContext,
  refuse: Refuse,
): ApprovalEventDraft[] {
  const { voter } = command.data;
  const { request, proposal } = state;
  const clause = request.breakGlass;
  if (!clause) {
    const usual = describeRequirement(state.evaluation.approval ?? { groups: request.groups, principals: [] });
    return refuse(
      'not_eligible',
      `${voter} cannot break glass on this action: rule ${request.rule} has no break-glass clause; it needs ${request.quorum} approval(s) from ${usual}.`,
    );
  }
  if (!clause.eligible.includes(voter)) {
    const who = clause.eligible.length > 0 ? `members of ${listWords(clause.groups)} other than the requester` : 'nobody';
    return refuse('not_eligible', `${voter} may not break glass on this action: under rule ${request.rule} only ${who} may approve alone.`);
  }
  const duplicate = duplicateVote(voter, state);
  if (duplicate) return refuse('duplicate_vote', duplicate);
  // An emergency approval stands alone: under a step-up rule it needs the step-up all the more.
  const stepUp = stepUpProblem(command.data, state);
  if (stepUp) return refuse('step_up_required', stepUp);
  const justification = command.data.comment?.trim() ?? '';
  if (justification === '') {
    return refuse('reason_required', 'A break-glass approval needs a justification: say in the comment why this cannot wait for the usual approvers.');
  }

  const actor = principalActor(voter, ctx.directory, proposal.requester);
  const reason = `Break-glass approval by ${voter}: ${justification}`;
  const excluded = new Set([...requesterExclusions(proposal.requester), voter]);
  const review: ApprovalEventDraft = {
    type: 'ReviewRequested',
    data: {
      reason,
      approvedBy: voter,
      reviewGroups: clause.reviewGroups,
      reviewers: humanMembers(ctx.directory, clause.reviewGroups, excluded),
      due: secondsFrom(ctx.now, clause.reviewWithinSeconds),
    },
    actor: ROUTER,
  };
  return [
    { type: 'VoteRecorded', data: voteRecorded(command.data, true), actor },
    ...approvalOutcome(
      { type: 'ActionApproved', data: { ...decisionBase(state), reason, automatic: false, approvers: [voter], breakGlass: true }, actor },
      proposal,
      ctx.policyInForce,
      [review],
    ),
  ];
}
