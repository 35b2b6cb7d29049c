import type { CastVoteData, CommandEnvelope } from '@countersign/contracts';
import { principalActor, requesterIds, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { describeRequirement } from './approval-request.ts';
import { decideBreakGlass } from './break-glass.ts';
import { currentRequest } from './escalation.ts';
import { voteAfterDeadline } from './expiry.ts';
import { approvalOutcome } from './publication.ts';
import { quorumReached } from './quorum.ts';
import { notOpen, rejection } from './rejection.ts';
import type { ApprovalState, Pending } from './state.ts';
import { decisionBase, voteRecorded, type Refuse } from './vote-record.ts';
import { grantAtQuorum, standingOfferProblem } from './standing/offers.ts';
import { stepUpProblem } from './step-up.ts';
import { countedAs, delegatedVoteProblem, delegatorSelfApproval, duplicateOf } from './delegation/delegated-vote.ts';

type CastVote = CommandEnvelope<'CastVote', CastVoteData>;

/**
 * A vote on an action. Refusals are checked in a fixed order so the answer is predictable: is
 * the action open, is it before the deadline (a late vote expires the action instead), is the vote
 * for the parameters proposed, is the voter the requester (rule 2, whatever else they are), may
 * they vote at all, have they voted already, does a denial say why. An accepted deny decides at
 * once; an approval decides when it completes the quorum. A break-glass approval takes its own
 * path after the self-approval check; a break-glass denial is just a denial (denying needs no
 * emergency).
 */
export function decideVote(command: CastVote, state: ApprovalState, ctx: DecideContext): ApprovalEventDraft[] {
  const { voter } = command.data;
  const refuse: Refuse = (code, reason) => rejection(command, voter, code, reason, state, ctx);

  const closed = notOpen(state, 'voted on');
  if (closed) return refuse(closed.code, closed.reason);
  if (state.status !== 'pending') {
    return refuse('not_pending', 'Policy has not asked for approval of this action yet; votes are accepted only while it is pending.');
  }

  const late = voteAfterDeadline(command, state, ctx);
  if (late) return late;
  const shown = command.data.paramsHash;
  if (shown !== undefined && shown !== state.proposal.paramsHash) {
    return refuse(
      'params_mismatch',
      `${voter} voted on parameters with hash ${shown}, but this action's parameters hash to ${state.proposal.paramsHash}: the vote does not count. Look at the action again before voting.`,
    );
  }

  const self = selfApproval(command.data, state) ?? delegatorSelfApproval(command.data, state);
  if (self) return refuse('self_approval', self);
  // A delegate's vote (ADR 0010) counts as its delegator's: eligibility, duplicates and quorum are theirs.
  const relay = delegatedVoteProblem(command);
  if (relay) return refuse(relay.code, relay.reason);
  const principal = countedAs(command.data);
  const offer = standingOfferProblem(command.data, state);
  if (offer) return refuse('standing_not_allowed', offer);
  if (command.data.breakGlass && command.data.decision === 'approve') return decideBreakGlass(command, state, ctx, refuse);

  const request = currentRequest(state);
  if (!request.eligible.includes(principal)) {
    const accepted = { groups: request.groups, principals: state.evaluation.approval?.principals ?? [] };
    return refuse(
      'not_eligible',
      `${principal === voter ? voter : `${voter}, voting for ${principal},`} is not eligible to vote on this action: rule ${request.rule} accepts votes only from ${describeRequirement(accepted)}.`,
    );
  }
  const duplicate = duplicateOf(command.data, state);
  if (duplicate) return refuse('duplicate_vote', duplicate);
  const stepUp = stepUpProblem(command.data, state);
  if (stepUp) return refuse('step_up_required', stepUp);
  const comment = command.data.comment?.trim() ?? '';
  if (command.data.decision === 'deny' && comment === '') {
    return refuse('reason_required', 'A denial needs a reason: add a comment saying why the action should not run.');
  }

  const actor = principalActor(voter, ctx.directory, state.proposal.requester);
  const vote = voteRecorded(command.data);
  const recorded: ApprovalEventDraft = { type: 'VoteRecorded', data: vote, actor };
  const base = decisionBase(state);

  if (command.data.decision === 'deny') {
    return [recorded, { type: 'ActionDenied', data: { ...base, reason: comment, automatic: false, deniedBy: principal }, actor }];
  }
  const approvers = [...state.votes.filter((v) => v.decision === 'approve').map(countedAs), principal];
  if (!quorumReached(approvers, request)) return [recorded];
  const distinct = request.distinctGroups ? ' from distinct groups' : '';
  const { grantedStanding, note } = grantAtQuorum(command, state, approvers, ctx.now);
  const delegated = [...state.votes, vote].filter((v) => v.decision === 'approve' && v.onBehalfOf).map((v) => `${v.voter} for ${v.onBehalfOf}`);
  const by = delegated.length > 0 ? ` (${delegated.join(', ')}, under delegation)` : '';
  const reason = `Approved by ${approvers.join(', ')}${by}: quorum of ${request.quorum}${distinct} reached.${note}`;
  const data = { ...base, reason, automatic: false, approvers, ...(grantedStanding ? { grantedStanding } : {}) };
  return [recorded, ...approvalOutcome({ type: 'ActionApproved', data, actor }, state.proposal, ctx.policyInForce)];
}

/**
 * Why this voter counts as the requester, or undefined. Checked before eligibility so that a
 * requester who also sits in the approver group is told the real reason.
 */
function selfApproval(vote: CastVoteData, state: Pending): string | undefined {
  const { requester } = state.proposal;
  const tail = vote.decision === 'deny' ? ' To withdraw it, cancel it instead.' : '';
  if (vote.voter === requester.id) {
    return `${vote.voter} requested this action and cannot vote on it: nobody approves their own action.${tail}`;
  }
  if (requesterIds(requester).includes(vote.voter)) {
    return `${vote.voter} cannot vote on this action: ${requester.id} requested it on their behalf.${tail}`;
  }
  const theirs = new Set(requester.identities);
  const shared = [...vote.voterIdentities, ...(vote.identity ? [vote.identity] : []), vote.voter].find((i) => theirs.has(i));
  if (shared) {
    return `${vote.voter} cannot vote on this action: the identity ${shared} is linked to its requester ${requester.id}.${tail}`;
  }
  return undefined;
}
