import type { CastVoteData, CommandEnvelope, RejectionCode, VoteRecordedData } from '@countersign/contracts';
import { requesterIds, ROUTER } from '../context.ts';
import type { Pending } from '../state.ts';

/** The principal a vote counts for: the delegator of a delegated vote, else its voter (ADR 0010). */
export const countedAs = (vote: Pick<VoteRecordedData, 'voter' | 'onBehalfOf'>): string => vote.onBehalfOf ?? vote.voter;

/**
 * Why a vote cast on someone's behalf cannot be taken as such, or undefined (also for a vote cast
 * for oneself). A delegated vote reaches an action only relayed by its delegator's ledger, which
 * found the delegation active (the router's own command, naming the delegation); it is a plain
 * vote: break-glass and standing offers are the voter's own acts, never delegated.
 */
export function delegatedVoteProblem(command: CommandEnvelope<'CastVote', CastVoteData>): { code: RejectionCode; reason: string } | undefined {
  const { voter, onBehalfOf, delegation } = command.data;
  if (onBehalfOf === undefined) return undefined;
  const relayed = command.actor.kind === ROUTER.kind && command.actor.id === ROUTER.id && delegation !== undefined;
  if (!relayed || onBehalfOf === voter) {
    return { code: 'not_eligible', reason: `${voter} may vote for ${onBehalfOf} only under a delegation of theirs, checked by their delegation ledger.` };
  }
  if (command.data.breakGlass) return { code: 'not_eligible', reason: `${voter} cannot break glass for ${onBehalfOf}: break-glass is never delegated.` };
  if (command.data.standing) return { code: 'standing_not_allowed', reason: `${voter} cannot offer a standing approval for ${onBehalfOf}: offers are never delegated.` };
  return undefined;
}

/**
 * Why the delegator of this vote counts as the requester, or undefined (rule 2): nobody approves
 * their own action through a delegate either. The voter (the delegate) is checked as any voter is.
 */
export function delegatorSelfApproval(vote: CastVoteData, state: Pending): string | undefined {
  const delegator = vote.onBehalfOf;
  if (delegator === undefined) return undefined;
  const { requester } = state.proposal;
  if (requesterIds(requester).includes(delegator)) {
    return `${vote.voter} cannot vote for ${delegator} on this action: ${delegator} ${delegator === requester.id ? 'requested it' : `is who ${requester.id} acts for`}, and nobody approves their own action, not through a delegate.`;
  }
  const theirs = new Set(requester.identities);
  const shared = (vote.onBehalfOfIdentities ?? []).find((i) => theirs.has(i));
  if (shared) return `${vote.voter} cannot vote for ${delegator} on this action: the identity ${shared} of ${delegator} is linked to its requester ${requester.id}.`;
  return undefined;
}

/**
 * Why this vote would count someone twice, or undefined. Each principal counts once (rule 2),
 * whether they voted themselves or a delegate voted for them; and each person casts one vote on an
 * action, for themselves or for one delegator: a delegate holding several delegations does not
 * become several approvers (a quorum counts people who looked at the action).
 */
export function duplicateOf(vote: Pick<CastVoteData, 'voter' | 'onBehalfOf'>, state: Pending): string | undefined {
  const principal = countedAs(vote);
  const counted = state.votes.find((v) => countedAs(v) === principal);
  if (counted) {
    const how = counted.onBehalfOf ? ` (cast by ${counted.voter} on their behalf)` : '';
    return `${principal} has already voted (${counted.decision}) on this action${how}; each approver counts once.`;
  }
  const cast = state.votes.find((v) => v.voter === vote.voter);
  if (cast) return `${vote.voter} has already voted (${cast.decision}) on this action${cast.onBehalfOf ? ` for ${cast.onBehalfOf}` : ''}; each person casts one vote.`;
  return undefined;
}
