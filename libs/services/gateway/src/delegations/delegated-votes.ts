import { Inject, Injectable } from '@nestjs/common';
import { activeDelegationsTo, COLLECTIONS, type ActionView, type DelegationView } from '@countersign/audit';
import type { Directory } from '@countersign/identity';
import type { ReadModelStore } from '@countersign/readmodel';
import { CLOCK, DIRECTORY, type Clock } from '@countersign/runtime';
import type { ActionWaiter } from '../action-waiter.ts';
import type { Caller } from '../auth.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { Problem } from '../problem.ts';
import { isActionId, visibleAction } from '../visibility.ts';

/** Whom a vote is cast for: the delegator (with their linked identities, checked against the requester's), or nobody (oneself). */
export interface OnBehalfOf {
  id: string;
  identities: string[];
}

/**
 * The gateway's side of delegated votes (ADR 0010), from the delegations read model: which
 * delegators a caller may vote for now, the actions that makes visible to them, and whom a vote is
 * for. The read model may lag a revocation by a moment: the delegator's ledger checks the
 * delegation again, in order with revocations, before it relays the vote.
 */
@Injectable()
export class DelegatedVotes {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  /** The delegations that let `delegate` vote for someone now. */
  activeTo(delegate: string): Promise<DelegationView[]> {
    return activeDelegationsTo(this.store.collection<DelegationView>(COLLECTIONS.delegations), delegate, this.clock.now());
  }

  /** The delegators `delegate` may vote for now (the inbox joins their queues). */
  async delegatorsOf(delegate: string): Promise<string[]> {
    return [...new Set((await this.activeTo(delegate)).map((d) => d.delegator))];
  }

  /**
   * The action, if the caller may see it: as themselves, or as the delegate of one of its eligible
   * approvers. Otherwise 404, as for an id that does not exist.
   */
  async visibleAction(waiter: ActionWaiter, caller: Caller, id: string): Promise<ActionView> {
    try {
      return await visibleAction(waiter, caller, id);
    } catch (error) {
      const view = isActionId(id) && error instanceof Problem && error.status === 404 ? await waiter.get(id) : undefined;
      if (!view) throw error;
      const delegators = await this.delegatorsOf(caller.principal.id);
      // Only what the delegation is for: actions its delegators may vote on, never their own requests or everything an auditor reads.
      if (!delegators.some((d) => view.approval?.eligible.includes(d))) throw error;
      return view;
    }
  }

  /**
   * Whom the caller's vote on `view` is for. Asked for someone (`onBehalfOf`): a delegator whose
   * delegation to the caller is active now, else 403. Not asked: the caller themselves if eligible;
   * else the one active delegator who is eligible and has not voted (a 422 names them when there
   * are several); else the caller (the router answers as for any vote).
   */
  async voteFor(caller: Pick<Caller, 'principal'>, view: ActionView, requested: string | undefined): Promise<OnBehalfOf | undefined> {
    const me = caller.principal.id;
    if (requested === me) return undefined;
    const eligible = view.approval?.eligible ?? [];
    // An eligible voter not asking for anyone votes for themselves: no delegation is read.
    if (requested === undefined && eligible.includes(me)) return undefined;
    const active = await this.activeTo(me);
    const delegators = [...new Set(active.map((d) => d.delegator))];
    if (requested !== undefined) {
      if (!delegators.includes(requested)) throw noActiveDelegation(me, requested, delegators);
      if (!eligible.includes(requested)) {
        throw new Problem(403, 'not-eligible', 'Not eligible to vote on this action.', `${requested} is not eligible to vote on this action, so nobody may vote for them.`,
          [{ pointer: '/onBehalfOf', detail: `${requested} is not an eligible approver of this action` }], { actionId: view._id, actionStatus: view.status });
      }
      return this.behalf(requested);
    }
    const counted = new Set(view.votes.map((v) => v.onBehalfOf ?? v.voter));
    const open = delegators.filter((d) => eligible.includes(d) && !counted.has(d));
    if (open.length === 1) return this.behalf(open[0]);
    if (open.length > 1) {
      throw new Problem(422, 'on-behalf-of-required', 'Say whom you vote for.',
        `${me} is not eligible on this action but holds active delegations from ${open.join(', ')}, who are: name one in onBehalfOf.`,
        [{ pointer: '/onBehalfOf', detail: `is required: one of ${open.join(', ')}` }], { mayVoteFor: open });
    }
    return undefined;
  }

  /**
   * Whom a Slack or Teams click is for, as for an API vote without `onBehalfOf` (a button cannot
   * ask): the clicker if eligible, else the one active delegator who is eligible and has not
   * voted. When that cannot be told (several delegators), the refusal to show the clicker instead.
   */
  async chatVoteFor(principal: Caller['principal'], view: ActionView): Promise<{ onBehalfOf?: OnBehalfOf } | { refusal: string }> {
    try {
      const onBehalfOf = await this.voteFor({ principal }, view, undefined);
      return onBehalfOf ? { onBehalfOf } : {};
    } catch (error) {
      if (error instanceof Problem && error.status < 500) {
        return { refusal: `${error.detail ?? error.title} Vote in the Countersign console or API, naming whom you vote for.` };
      }
      throw error;
    }
  }

  /**
   * Refuses a vote for someone the caller holds no active delegation from, before the action is
   * looked at: the answer says nothing about the action, only about the caller's own delegations.
   */
  async requireDelegation(caller: Caller, requested: string | undefined): Promise<void> {
    const me = caller.principal.id;
    if (requested === undefined || requested === me) return;
    const delegators = await this.delegatorsOf(me);
    if (!delegators.includes(requested)) throw noActiveDelegation(me, requested, delegators);
  }

  private behalf(id: string): OnBehalfOf {
    return { id, identities: this.directory.get(id)?.identities ?? [] };
  }
}

function noActiveDelegation(me: string, requested: string, delegators: readonly string[]): Problem {
  const may = delegators.length > 0 ? `You may vote for ${delegators.join(', ')}.` : 'You hold no active delegation.';
  return new Problem(403, 'no-active-delegation', 'You hold no active delegation from them.',
    `${me} holds no delegation from ${requested} that is active now (none made, not started yet, ended or revoked). ${may}`,
    [{ pointer: '/onBehalfOf', detail: `names no principal whose delegation to ${me} is active now` }], { mayVoteFor: [...delegators] });
}
