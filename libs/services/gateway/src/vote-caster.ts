import { Inject, Injectable } from '@nestjs/common';
import { delegationLedgerId, type Channel, type StandingTerms, type StepUpRecord, type VoteDecision } from '@countersign/contracts';
import type { ActionView } from '@countersign/audit';
import type { ActionWatch } from './answers/action-watch.ts';
import type { Principal } from '@countersign/identity';
import { ActionWaiter, type CommandAnswer } from './action-waiter.ts';
import { CommandSender } from './commands.ts';
import { canSee } from './visibility.ts';

/** A vote from any channel, by a principal already resolved from the identity it came in under. */
export interface Vote {
  actionId: string;
  voter: Principal;
  /** The linked identity the vote came in under: `apikey:…`, `slack:…`, `teams:…`. */
  identity: string;
  via: Channel;
  decision: VoteDecision;
  comment?: string;
  breakGlass?: boolean;
  /** Derived from the channel's delivery id, so a redelivered click is the same command (applied once). */
  commandId?: string;
  /** The paramsHash the message clicked showed: the router refuses the vote if it is not the action's. */
  paramsHash?: string;
  /** A standing approval offered to the requester with an approval (checked by the caller; ADR 0004). */
  standing?: StandingTerms;
  /** A delegate's vote for this delegator (ADR 0010): sent to the delegator's ledger, which relays it to the action if the delegation is active. */
  onBehalfOf?: { id: string; identities: string[] };
  /** The step-up the gateway verified for this approval (docs/step-up.md); the router requires it under step-up rules. */
  stepUp?: StepUpRecord;
}

/**
 * Casts a vote for the approval router, which alone decides, and waits for its answer. The one way
 * the API, Slack and Teams vote: only how they show the answer differs.
 */
@Injectable()
export class VoteCaster {
  constructor(
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
  ) {}

  async cast(vote: Vote, waitMs: number): Promise<CommandAnswer & { commandId: string }> {
    const { actionId, voter, via } = vote;
    // Watched before the vote is appended, so the events that answer it cannot pass unseen.
    return this.waiter.watching(actionId, async (watch) => {
      // Someone who cannot see the action (a channel member who is no approver of it) is answered
      // here: the router would keep such a refusal out of the action's chain, so no answer would come.
      const view = await this.waiter.get(actionId);
      if (vote.onBehalfOf) return this.castFor(vote, vote.onBehalfOf, watch, waitMs, view);
      if (view && !canSee(voter, view)) {
        const reason = `${voter.id} is not eligible to vote on this action${view.policy?.rule ? `: rule ${view.policy.rule} does not name them` : ''}.`;
        return { kind: 'rejected' as const, view, code: 'not_eligible' as const, reason, commandId: '' };
      }
      const commandId = await this.commands.send('CastVote', actionId, voter, {
        ...castVoteData(vote),
        ...(vote.breakGlass ? { breakGlass: true } : {}),
        ...(vote.standing ? { standing: vote.standing } : {}),
      }, { id: vote.commandId, via });
      return { commandId, ...(await watch.answer(commandId, waitMs, view)) };
    });
  }

  /**
   * A delegate's vote goes to the delegator's ledger (ADR 0010), which relays it to the action with
   * the same command id if the delegation is active when it decides: the answer is the action's,
   * watched as for any vote. A ledger that refuses (a revocation raced the vote) relays nothing: the
   * caller gets the 202 of an unanswered vote, and the vote never counts.
   */
  private async castFor(vote: Vote, onBehalfOf: { id: string; identities: string[] }, watch: ActionWatch, waitMs: number, view: ActionView | undefined) {
    const { actionId, voter, via } = vote;
    const commandId = await this.commands.send('CastDelegatedVote', delegationLedgerId(onBehalfOf.id), voter, {
      actionId,
      vote: {
        ...castVoteData(vote),
        onBehalfOf: onBehalfOf.id,
        onBehalfOfIdentities: onBehalfOf.identities,
      },
    }, { id: vote.commandId, via });
    return { ...(await watch.answer(commandId, waitMs, view)), commandId };
  }
}

/** What every vote carries, in person or relayed through a delegator's ledger. */
function castVoteData(vote: Vote) {
  const { voter, identity, comment, via } = vote;
  return {
    voter: voter.id,
    voterIdentities: [...new Set([...voter.identities, identity])],
    decision: vote.decision,
    ...(comment !== undefined ? { comment } : {}),
    via,
    identity,
    ...(vote.paramsHash ? { paramsHash: vote.paramsHash } : {}),
    ...(vote.stepUp ? { stepUp: vote.stepUp } : {}),
  };
}
