import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS, type ActionView, type DelegationView } from '@countersign/audit';
import type { Directory } from '@countersign/identity';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import type { Caller } from '../auth.ts';
import { DelegatedVotes } from './delegated-votes.ts';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const erin = { id: 'erin', kind: 'human' } as Caller['principal'];

function delegation(delegator: string, delegate: string, extra: Partial<DelegationView> = {}): DelegationView {
  return {
    _id: `d-${delegator}-${delegate}`, ledgerId: `delegations-${delegator}`, delegator, delegate, from: '2026-12-01T00:00:00.000Z', until: '2026-12-10T00:00:00.000Z',
    createdAt: '2026-12-01T00:00:00.000Z', votes: [], visibleTo: [delegator, delegate], updatedAt: '2026-12-01T00:00:00.000Z', lastSeq: 1, ...extra,
  };
}

const pending = (eligible: string[], votes: ActionView['votes'] = []) => ({ _id: 'act-1', status: 'pending', approval: { eligible }, votes }) as unknown as ActionView;

async function given(delegations: DelegationView[]) {
  const store = createMemoryReadModelStore();
  await store.collection<DelegationView>(COLLECTIONS.delegations).putMany(delegations, { versionField: 'lastSeq' });
  const directory = { get: (id: string) => ({ id, identities: [`slack:U0${id.toUpperCase()}`] }) } as unknown as Directory;
  return new DelegatedVotes(store, { now: () => NOW } as never, directory);
}

describe('whom a Slack or Teams click is for', () => {
  it('given erin holds bob\'s delegation and bob is eligible, when erin clicks, then the vote is for bob, with his identities', async () => {
    const votes = await given([delegation('bob', 'erin')]);
    assert.deepEqual(await votes.chatVoteFor(erin, pending(['alice', 'bob'])), { onBehalfOf: { id: 'bob', identities: ['slack:U0BOB'] } });
  });

  it('given erin is eligible herself, when she clicks, then the vote is her own, whatever she holds', async () => {
    const votes = await given([delegation('bob', 'erin')]);
    assert.deepEqual(await votes.chatVoteFor(erin, pending(['bob', 'erin'])), {});
  });

  it('given no delegation, a revoked one, or one for a delegator who already voted, then the vote is erin\'s own (the router refuses it as ineligible)', async () => {
    assert.deepEqual(await (await given([])).chatVoteFor(erin, pending(['bob'])), {});
    assert.deepEqual(await (await given([delegation('bob', 'erin', { revoked: { by: 'bob', at: '2026-12-02T00:00:00.000Z' } })])).chatVoteFor(erin, pending(['bob'])), {});
    const voted = [{ voter: 'bob', decision: 'approve' }] as unknown as ActionView['votes'];
    assert.deepEqual(await (await given([delegation('bob', 'erin')])).chatVoteFor(erin, pending(['bob'], voted)), {});
  });

  it('given two eligible delegators, when erin clicks, then she is told to name one in the console or API: the button does not guess', async () => {
    const votes = await given([delegation('alice', 'erin'), delegation('bob', 'erin')]);
    const answer = await votes.chatVoteFor(erin, pending(['alice', 'bob']));
    assert.ok('refusal' in answer);
    assert.match(answer.refusal, /alice, bob/);
    assert.match(answer.refusal, /console or API/);
  });
});
