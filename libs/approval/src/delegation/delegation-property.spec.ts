import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sealEvents, type ActionCommand, type ActionEvent, type Requester } from '@countersign/contracts';
import { decide } from '../decide.ts';
import { initialState, type ApprovalState } from '../state.ts';
import { agent7, propose, requireApproval, rita, secondsAfter, T0, vote } from '../testing/fixtures.ts';
import { apply, context } from '../testing/given.ts';
import { castFor, delegate, delegationContext, revokeDelegation } from '../testing/delegation.ts';
import { decideDelegations } from './decide-delegations.ts';
import { evolveDelegations, initialDelegations, isActiveDelegation, type DelegationLedger } from './delegations.ts';

const PEOPLE = ['rita', 'dave', 'alice', 'bob', 'carol', 'erin'] as const;

const step = fc.record({
  after: fc.integer({ min: 0, max: 900 }),
  command: fc.oneof(
    fc.record({
      kind: fc.constant('delegate' as const), delegator: fc.constantFrom(...PEOPLE), to: fc.constantFrom(...PEOPLE),
      start: fc.integer({ min: -600, max: 1200 }), length: fc.integer({ min: 1, max: 3600 }), n: fc.integer({ min: 0, max: 2 }),
    }),
    fc.record({ kind: fc.constant('revoke' as const), delegator: fc.constantFrom(...PEOPLE), to: fc.constantFrom(...PEOPLE), n: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('delegated' as const), voter: fc.constantFrom(...PEOPLE), delegator: fc.constantFrom(...PEOPLE), deny: fc.boolean() }),
    fc.record({ kind: fc.constant('own' as const), voter: fc.constantFrom(...PEOPLE) }),
  ),
});

/** The ledgers and the action, each decided and folded as the router would. */
interface World { ledgers: Map<string, { state: DelegationLedger; events: ActionEvent[] }>; action: { state: ApprovalState; events: ActionEvent[] } }

function ledgerStep(world: World, delegator: string, cmd: ActionCommand, at: Date): ActionEvent[] {
  const current = world.ledgers.get(delegator) ?? { state: initialDelegations, events: [] };
  const drafts = decideDelegations(cmd, current.state, delegationContext(at));
  const last = current.events.at(-1);
  const sealed = sealEvents(drafts, {
    streamId: cmd.actionId, head: last ? { seq: last.seq, hash: last.hash } : undefined, causationId: cmd.id, correlationId: cmd.actionId, now: () => at, newId: () => `e-${Math.random()}`,
  }) as ActionEvent[];
  // Every relay happens under a delegation active at that moment, before the event is folded.
  for (const e of sealed) {
    if (e.type !== 'DelegatedVoteRelayed') continue;
    const record = current.state.delegations[e.data.delegationId];
    assert.ok(record && isActiveDelegation(record, at), `relayed under ${e.data.delegationId}, which is not active at ${at.toISOString()}`);
    assert.equal(record.granted.delegate, e.data.vote.voter);
  }
  world.ledgers.set(delegator, { state: sealed.reduce(evolveDelegations, current.state), events: [...current.events, ...sealed] });
  return sealed;
}

function actionStep(world: World, cmd: ActionCommand, at: Date): void {
  world.action = apply(world.action, decide(cmd, world.action.state, context({ now: at })), cmd.id, at);
}

describe('delegation never lets anyone approve their own action (property)', () => {
  it('for any sequence of delegations, revocations and votes: no requester vote counts, each principal and person counts once, only active delegations relay', () => {
    fc.assert(
      fc.property(fc.constantFrom<Requester>(rita, agent7), fc.constantFrom(1, 2, 3), fc.array(step, { maxLength: 30 }), (requester, quorum, steps) => {
        const world: World = { ledgers: new Map(), action: { state: initialState, events: [] } };
        for (const cmd of [propose(requester), requireApproval({ quorum, groups: ['sre', 'security'], timeoutSeconds: 86_400 })]) actionStep(world, cmd, T0);
        let at = T0;
        for (const { after, command: s } of steps) {
          at = secondsAfter(at, after);
          switch (s.kind) {
            case 'delegate':
              ledgerStep(world, s.delegator, delegate(s.delegator, s.to, {
                delegationId: `d-${s.delegator}-${s.to}-${s.n}`, from: secondsAfter(at, s.start).toISOString(), until: secondsAfter(at, s.start + s.length).toISOString(),
              }), at);
              break;
            case 'revoke':
              ledgerStep(world, s.delegator, revokeDelegation(s.delegator, `d-${s.delegator}-${s.to}-${s.n}`), at);
              break;
            case 'delegated': {
              const relays = ledgerStep(world, s.delegator, castFor(s.voter, s.delegator, s.deny ? 'deny' : 'approve'), at);
              for (const e of relays) {
                if (e.type !== 'DelegatedVoteRelayed') continue;
                actionStep(world, { id: e.data.commandId, type: 'CastVote', actionId: e.data.actionId, issuedAt: at.toISOString(), actor: { id: 'approval-router', kind: 'service' }, correlationId: e.data.actionId, data: e.data.vote }, at);
              }
              break;
            }
            case 'own':
              actionStep(world, vote(s.voter), at);
              break;
          }
        }
        const selves = new Set([requester.id, ...(requester.onBehalfOf ? [requester.onBehalfOf] : []), ...requester.identities]);
        const votes = world.action.events.flatMap((e) => (e.type === 'VoteRecorded' ? [e.data] : []));
        for (const v of votes) {
          assert.ok(!selves.has(v.voter), `${v.voter} voted on an action of ${requester.id}`);
          assert.ok(v.onBehalfOf === undefined || !selves.has(v.onBehalfOf), `a vote counted for ${v.onBehalfOf} on an action of ${requester.id}`);
        }
        const counted = votes.map((v) => v.onBehalfOf ?? v.voter);
        assert.equal(new Set(counted).size, counted.length, 'a principal counted twice');
        assert.equal(new Set(votes.map((v) => v.voter)).size, votes.length, 'a person voted twice');
        const approved = world.action.events.find((e) => e.type === 'ActionApproved');
        if (approved?.type === 'ActionApproved') for (const a of approved.data.approvers) assert.ok(!selves.has(a));
      }),
      { numRuns: 200 },
    );
  });
});
