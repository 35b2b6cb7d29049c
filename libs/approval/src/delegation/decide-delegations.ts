import {
  delegationLedgerId, MAX_ACTIVE_DELEGATIONS, MAX_DELEGATION_SECONDS, type ActionCommand, type ApprovalDelegatedData, type CastDelegatedVoteData,
  type CommandEnvelope, type RevokeDelegationData,
} from '@countersign/contracts';
import { principalActor, type ApprovalEventDraft, type DecideContext } from '../context.ts';
import { isKnownHuman } from '../members.ts';
import { isActiveDelegation, type DelegationLedger, type DelegationRecord } from './delegations.ts';

export type DelegationContext = Pick<DecideContext, 'now' | 'directory'>;

type Revoke = CommandEnvelope<'RevokeDelegation', RevokeDelegationData>;
type Relay = CommandEnvelope<'CastDelegatedVote', CastDelegatedVoteData>;

/**
 * What one command does to a delegator's ledger (ADR 0010): the events to append, or none. Only the
 * three delegation commands do anything. Refusals are silent (no event), as in requester ledgers
 * (ADR 0004): the gateway checks every request against the read model first and answers people;
 * only racing or forged commands reach the ledger to be ignored, and nobody grows its chain.
 */
export function decideDelegations(command: ActionCommand, state: DelegationLedger, ctx: DelegationContext): ApprovalEventDraft[] {
  switch (command.type) {
    case 'DelegateApproval':
      return delegationProblem(command.data, state, ctx) !== undefined || command.actionId !== delegationLedgerId(command.data.delegator)
        ? []
        : [{ type: 'ApprovalDelegated', data: command.data, actor: principalActor(command.data.delegator, ctx.directory) }];
    case 'RevokeDelegation':
      return decideRevoke(command, state, ctx);
    case 'CastDelegatedVote':
      return decideRelay(command, state, ctx);
    default:
      return [];
  }
}

/** The live delegations of the ledger at `now`: not past their end, not revoked. */
const live = (state: DelegationLedger, now: Date): DelegationRecord[] =>
  Object.values(state.delegations).filter((r) => !r.revoked && now.getTime() < Date.parse(r.granted.until));

/**
 * Why this delegation may not be made, or undefined. The gateway asks the same (against the read
 * model) to answer the caller; the ledger asks it again, in order with every other delegation:
 * distinct known humans, a bounded period that has not ended, a fresh id, no second live delegation
 * to the same delegate, and at most MAX_ACTIVE_DELEGATIONS live at once.
 */
export function delegationProblem(d: ApprovalDelegatedData, state: DelegationLedger, ctx: DelegationContext): { field: string; detail: string } | undefined {
  if (d.delegate === d.delegator) return { field: 'delegate', detail: 'must be someone else: nobody delegates to themselves' };
  if (!isKnownHuman(d.delegator, ctx.directory)) return { field: 'delegator', detail: 'must be a human the directory knows' };
  if (!isKnownHuman(d.delegate, ctx.directory)) return { field: 'delegate', detail: `${d.delegate} is not a human the directory knows` };
  const from = Date.parse(d.from);
  const until = Date.parse(d.until);
  if (!(from < until)) return { field: 'until', detail: 'must be after from' };
  if (until <= ctx.now.getTime()) return { field: 'until', detail: 'must be in the future' };
  if (until > ctx.now.getTime() + MAX_DELEGATION_SECONDS * 1000) return { field: 'until', detail: `must be at most ${MAX_DELEGATION_SECONDS / 86_400} days ahead` };
  if (Object.hasOwn(state.delegations, d.delegationId)) return { field: 'id', detail: 'is taken' };
  const current = live(state, ctx.now);
  if (current.some((r) => r.granted.delegate === d.delegate)) return { field: 'delegate', detail: `already holds a delegation of ${d.delegator}: revoke it first` };
  if (current.length >= MAX_ACTIVE_DELEGATIONS) return { field: 'delegate', detail: `${d.delegator} has ${MAX_ACTIVE_DELEGATIONS} delegations already: revoke one first` };
  return undefined;
}

/** Whether `by` may revoke a delegation: its delegator, or an admin. Its delegate may not (they would only give it back). */
export function mayRevokeDelegation(granted: Pick<ApprovalDelegatedData, 'delegator'>, by: string, ctx: Pick<DecideContext, 'directory'>): boolean {
  if (granted.delegator === by) return true;
  return Object.hasOwn(ctx.directory.principals, by) && ctx.directory.principals[by].admin === true;
}

function decideRevoke(command: Revoke, state: DelegationLedger, ctx: DelegationContext): ApprovalEventDraft[] {
  const { delegationId, by, reason } = command.data;
  const record = Object.hasOwn(state.delegations, delegationId) ? state.delegations[delegationId] : undefined;
  if (!record || record.revoked || ctx.now.getTime() >= Date.parse(record.granted.until)) return [];
  if (!mayRevokeDelegation(record.granted, by, ctx)) return [];
  const trimmed = reason?.trim();
  return [{ type: 'DelegationRevoked', data: { delegationId, by, ...(trimmed ? { reason: trimmed } : {}) }, actor: principalActor(by, ctx.directory) }];
}

/**
 * A delegate's vote: relayed to the action, as the delegator's, if a delegation of this ledger to
 * exactly this voter is active now (the one ending first, then by id). Holding a delegation gives
 * only the delegator's own eligibility: a delegate's delegate finds nothing here (no chains). The
 * action decides the rest (eligibility, rule 2 for both people, duplicates, quorum).
 */
function decideRelay(command: Relay, state: DelegationLedger, ctx: DelegationContext): ApprovalEventDraft[] {
  const { vote, actionId } = command.data;
  const delegator = vote.onBehalfOf;
  if (delegator === undefined || delegator === vote.voter || command.actionId !== delegationLedgerId(delegator)) return [];
  const records = Object.values(state.delegations);
  if (records.some((r) => r.relayed.includes(command.id))) return [];
  const chosen = records
    .filter((r) => r.granted.delegator === delegator && r.granted.delegate === vote.voter && isActiveDelegation(r, ctx.now))
    .sort((a, b) => Date.parse(a.granted.until) - Date.parse(b.granted.until) || a.granted.delegationId.localeCompare(b.granted.delegationId))[0];
  if (!chosen) return [];
  const delegationId = chosen.granted.delegationId;
  return [{
    type: 'DelegatedVoteRelayed',
    data: { delegationId, actionId, commandId: command.id, vote: { ...vote, delegation: delegationId } },
    actor: principalActor(vote.voter, ctx.directory),
  }];
}
