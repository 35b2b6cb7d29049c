import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ACTIVE_DELEGATIONS } from '@countersign/contracts';
import { secondsAfter, T0 } from '../testing/fixtures.ts';
import { castFor, delegate, delegations, revokeDelegation, WEEK } from '../testing/delegation.ts';
import { delegationStatus } from './delegations.ts';

describe('a delegator\'s ledger of delegations (ADR 0010)', () => {
  it('given nothing, when alice delegates to bob for a week, then the delegation is recorded', () => {
    const outcome = delegations().when(delegate('alice', 'bob', { reason: 'on leave' }));
    const [d] = outcome.then(['ApprovalDelegated']);
    assert.deepEqual(d.actor, { id: 'alice', kind: 'human' });
    assert.equal(delegationStatus({ ...outcome.state.delegations['d-alice-bob'].granted }, T0), 'active');
  });

  it('refuses (silently) a delegation to oneself, to an agent or an unknown principal, and by an unknown delegator', () => {
    delegations().when(delegate('alice', 'alice')).then([]);
    delegations().when(delegate('alice', 'agent-7')).then([]);
    delegations().when(delegate('alice', 'nobody')).then([]);
    delegations().when(delegate('ghost', 'bob')).then([]);
  });

  it('refuses an empty, past or unbounded period; a future start is fine', () => {
    delegations().when(delegate('alice', 'bob', { until: T0.toISOString() })).then([]);
    delegations().when(delegate('alice', 'bob', { from: secondsAfter(T0, -7200).toISOString(), until: secondsAfter(T0, -3600).toISOString() })).then([]);
    delegations().when(delegate('alice', 'bob', { until: secondsAfter(T0, 91 * 86_400).toISOString() })).then([]);
    const later = delegations().when(delegate('alice', 'bob', { from: secondsAfter(T0, 86_400).toISOString() }));
    later.then(['ApprovalDelegated']);
    assert.equal(delegationStatus(later.state.delegations['d-alice-bob'].granted, T0), 'scheduled');
  });

  it('refuses a second live delegation to the same delegate, and more than the limit at once', () => {
    delegations(delegate('alice', 'bob')).when(delegate('alice', 'bob', { delegationId: 'd-2' })).then([]);
    const many = ['bob', 'carol', 'erin', 'dave', 'zed'].slice(0, MAX_ACTIVE_DELEGATIONS).map((p) => delegate('alice', p));
    delegations(...many).when(delegate('alice', 'olga')).then([]);
  });

  it('refuses a delegation keyed to another delegator\'s ledger', () => {
    const foreign = { ...delegate('alice', 'bob'), actionId: delegate('carol', 'bob').actionId };
    delegations().when(foreign).then([]);
  });

  it('given a delegation, only its delegator or an admin revokes it, once', () => {
    const given = delegations(delegate('alice', 'bob'));
    given.when(revokeDelegation('alice', 'd-alice-bob', 'bob')).then([]);
    const revoked = given.when(revokeDelegation('alice', 'd-alice-bob'));
    revoked.then(['DelegationRevoked']);
    revoked.when(revokeDelegation('alice', 'd-alice-bob')).then([]);
  });

  it('given an active delegation, when its delegate votes for the delegator, then the vote is relayed naming the delegation', () => {
    const outcome = delegations(delegate('alice', 'bob')).when(castFor('bob', 'alice'));
    const [relay] = outcome.then(['DelegatedVoteRelayed']);
    assert.ok(relay.type === 'DelegatedVoteRelayed');
    assert.deepEqual({ voter: relay.data.vote.voter, onBehalfOf: relay.data.vote.onBehalfOf, delegation: relay.data.vote.delegation }, { voter: 'bob', onBehalfOf: 'alice', delegation: 'd-alice-bob' });
    // Redelivered: relayed once.
    outcome.when({ ...castFor('bob', 'alice'), id: relay.data.commandId }).then([]);
  });

  it('relays nothing for someone else, before the start, at or after the end, or after a revocation', () => {
    const given = delegations(delegate('alice', 'bob', { from: secondsAfter(T0, 60).toISOString() }));
    given.when(castFor('carol', 'alice'), secondsAfter(T0, 120)).then([]);
    given.when(castFor('bob', 'alice')).then([]);
    given.when(castFor('bob', 'alice'), WEEK).then([]);
    given.when(castFor('bob', 'alice'), secondsAfter(T0, 120)).then(['DelegatedVoteRelayed']);
    delegations(delegate('alice', 'bob'), revokeDelegation('alice', 'd-alice-bob')).when(castFor('bob', 'alice')).then([]);
  });

  it('has no chains: a delegate\'s own delegate holds nothing of the first delegator', () => {
    // alice → bob, bob → carol: carol may vote for bob (bob's own eligibility), never for alice.
    delegations(delegate('alice', 'bob')).when(castFor('carol', 'alice')).then([]);
    delegations(delegate('bob', 'carol')).when(castFor('carol', 'bob')).then(['DelegatedVoteRelayed']);
  });

  it('forgets delegations past their end (the head holds live ones only)', () => {
    const given = delegations(delegate('alice', 'bob'), [delegate('alice', 'carol', { until: secondsAfter(WEEK, 3600).toISOString() }), WEEK]);
    assert.deepEqual(Object.keys(given.state.delegations), ['d-alice-carol']);
  });
});
