import type { ActionCommand, CommandEnvelope, ExpireActionData } from '@countersign/contracts';
import { ROUTER, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { currentRequest } from './escalation.ts';
import { approvalsCounted } from './quorum.ts';
import { rejection } from './rejection.ts';
import type { ApprovalState, Pending } from './state.ts';

/** A timer fired: a pending action past its deadline expires (a denial, rule 4); an early or late timer is ignored. */
export function decideExpiry(command: CommandEnvelope<'ExpireAction', ExpireActionData>, state: ApprovalState): ApprovalEventDraft[] {
  if (state.status !== 'pending') return [];
  if (!(Date.parse(command.data.at) >= Date.parse(state.request.deadline))) return [];
  return [expiry(state)];
}

/**
 * A vote that comes at or after the deadline: refused (`past_deadline`), and the expiry itself
 * recorded in the same batch, so the action never stays pending past its deadline whichever of
 * the vote and the expiry timer reaches the router first. The vote's time is the later of when
 * the edge issued it and when the router decides it: a vote does not count once either is late.
 * Undefined while the vote is in time.
 */
export function voteAfterDeadline(
  command: Extract<ActionCommand, { type: 'CastVote' }>,
  state: Pending,
  ctx: DecideContext,
): ApprovalEventDraft[] | undefined {
  const { deadline } = state.request;
  const at = Math.max(ctx.now.getTime(), Date.parse(command.issuedAt) || 0);
  if (at < Date.parse(deadline)) return undefined;
  const { voter } = command.data;
  const reason = `The approval deadline ${deadline} has passed (the vote came at ${new Date(at).toISOString()}): the action has expired and votes no longer count.`;
  return [...rejection(command, voter, 'past_deadline', reason, state, ctx), expiry(state)];
}

function expiry(state: Pending): ApprovalEventDraft {
  const { deadline, quorum, rule, policyVersion } = state.request;
  const approvers = state.votes.filter((v) => v.decision === 'approve').map((v) => v.onBehalfOf ?? v.voter);
  const counted = approvalsCounted(approvers, currentRequest(state));
  return {
    type: 'ActionExpired',
    data: {
      rule,
      policyVersion,
      paramsHash: state.proposal.paramsHash,
      reason: `No decision before the deadline ${deadline}: ${counted} of ${quorum} required approval(s) given.`,
      deadline,
    },
    actor: ROUTER,
  };
}
