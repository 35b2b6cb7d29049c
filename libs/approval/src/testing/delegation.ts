/** Fixtures and a given/when/then for delegation ledgers (ADR 0010), and the votes they relay. */
import assert from 'node:assert/strict';
import {
  delegationLedgerId, describeErrors, sealEvents, validateEvent, type ActionCommand, type ActionEvent, type Actor, type CastVoteData,
  type CommandDataByType, type EventType,
} from '@countersign/contracts';
import type { ApprovalEventDraft } from '../context.ts';
import { decideDelegations, type DelegationContext } from '../delegation/decide-delegations.ts';
import { evolveDelegations, initialDelegations, type DelegationLedger } from '../delegation/delegations.ts';
import { ACTION_ID, directory, nextId, T0 } from './fixtures.ts';

const ROUTER: Actor = { id: 'approval-router', kind: 'service' };
const GATEWAY: Actor = { id: 'gateway', kind: 'service' };
/** A delegation made at T0 lasts a week by default. */
export const WEEK = new Date(T0.getTime() + 7 * 86_400_000);

function command<K extends keyof CommandDataByType>(type: K, data: CommandDataByType[K], key: string, id = nextId(type)): ActionCommand {
  return { id, type, actionId: key, issuedAt: T0.toISOString(), actor: GATEWAY, correlationId: key, data } as ActionCommand;
}

/** `delegator` delegates to `delegate` from T0 for a week (unless told otherwise). */
export function delegate(delegator: string, to: string, extra: Partial<CommandDataByType['DelegateApproval']> = {}): ActionCommand {
  const data = { delegationId: `d-${delegator}-${to}`, delegator, delegate: to, from: T0.toISOString(), until: WEEK.toISOString(), ...extra };
  return command('DelegateApproval', data, delegationLedgerId(delegator));
}

export const revokeDelegation = (delegator: string, delegationId: string, by = delegator) =>
  command('RevokeDelegation', { delegationId, by }, delegationLedgerId(delegator));

/** `voter`'s vote for `delegator` on the action, as the gateway sends it to the delegator's ledger. */
export function castFor(voter: string, delegator: string, decision: 'approve' | 'deny' = 'approve', extra: Partial<CastVoteData> = {}, actionId = ACTION_ID): ActionCommand {
  const vote: CastVoteData = { voter, voterIdentities: [], decision, via: 'api', onBehalfOf: delegator, ...(decision === 'deny' ? { comment: 'not now' } : {}), ...extra };
  return command('CastDelegatedVote', { actionId, vote }, delegationLedgerId(delegator), nextId('dvote'));
}

/** The CastVote a ledger relays to the action (what the router sends for a DelegatedVoteRelayed). */
export function relayed(drafts: readonly ApprovalEventDraft[]): ActionCommand {
  const relay = drafts.find((d) => d.type === 'DelegatedVoteRelayed');
  assert.ok(relay && relay.type === 'DelegatedVoteRelayed', 'the ledger relayed no vote');
  const d = relay.data;
  return { id: d.commandId, type: 'CastVote', actionId: d.actionId, issuedAt: T0.toISOString(), actor: ROUTER, correlationId: d.actionId, data: d.vote };
}

/** A CastVote claiming a delegation without the ledger (a forgery, or a gateway bug). */
export function forgedFor(voter: string, delegator: string): ActionCommand {
  return command('CastVote', { voter, voterIdentities: [], decision: 'approve', via: 'api', onBehalfOf: delegator, delegation: 'd-forged' }, ACTION_ID);
}

export const delegationContext = (now: Date = T0): DelegationContext => ({ now, directory });

export interface Delegations {
  state: DelegationLedger;
  events: ActionEvent[];
  when(command: ActionCommand, now?: Date): Delegations & { drafts: ApprovalEventDraft[]; then(types: EventType[]): ApprovalEventDraft[] };
}

function append(start: { state: DelegationLedger; events: ActionEvent[] }, drafts: ApprovalEventDraft[], cmd: ActionCommand, now: Date) {
  const last = start.events.at(-1);
  const sealed = sealEvents(drafts, {
    streamId: cmd.actionId, head: last ? { seq: last.seq, hash: last.hash } : undefined, causationId: cmd.id, correlationId: cmd.actionId,
    now: () => now, newId: () => nextId('evt'),
  }) as ActionEvent[];
  for (const event of sealed) {
    const check = validateEvent(event);
    assert.ok(check.ok, `${event.type} does not match its schema: ${check.ok ? '' : describeErrors(check.errors)}`);
  }
  return { state: sealed.reduce(evolveDelegations, start.state), events: [...start.events, ...sealed] };
}

/** given(commands decided at T0, or [command, at] pairs) of one delegator's ledger. */
export function delegations(...history: Array<ActionCommand | [ActionCommand, Date]>): Delegations {
  let current = { state: initialDelegations, events: [] as ActionEvent[] };
  for (const item of history) {
    const [cmd, at] = Array.isArray(item) ? item : [item, T0];
    current = append(current, decideDelegations(cmd, current.state, delegationContext(at)), cmd, at);
  }
  return scenario(current);
}

function scenario(current: { state: DelegationLedger; events: ActionEvent[] }): Delegations {
  return {
    ...current,
    when(cmd, now = T0) {
      const drafts = decideDelegations(cmd, current.state, delegationContext(now));
      return {
        ...scenario(append(current, drafts, cmd, now)),
        drafts,
        then(types) {
          assert.deepEqual(drafts.map((d) => d.type), types);
          return drafts;
        },
      };
    },
  };
}
