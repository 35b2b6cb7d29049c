import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agent7, propose, requireApproval, vote } from '../testing/fixtures.ts';
import { draftOf, given } from '../testing/given.ts';
import { castFor, delegate, delegations, forgedFor, relayed } from '../testing/delegation.ts';
import type { ActionCommand } from '@countersign/contracts';

/** The CastVote `voter`'s ledger relays for `delegator`, given `delegator` → `voter` is active. */
const voteFor = (voter: string, delegator: string, decision: 'approve' | 'deny' = 'approve'): ActionCommand =>
  relayed(delegations(delegate(delegator, voter)).when(castFor(voter, delegator, decision)).drafts);

describe('a delegate\'s vote on an action (ADR 0010)', () => {
  const pending = (quorum = 1) => [propose(), requireApproval({ quorum })];

  it('given alice delegated to carol, when carol votes for alice, then the vote is recorded as cast by carol on behalf of alice and counts as alice\'s', () => {
    const outcome = given(...pending()).when(voteFor('carol', 'alice'));
    const [recorded] = outcome.then(['VoteRecorded', 'ActionApproved']);
    assert.ok(recorded.type === 'VoteRecorded');
    assert.deepEqual(recorded.actor, { id: 'carol', kind: 'human' });
    assert.deepEqual({ voter: recorded.data.voter, onBehalfOf: recorded.data.onBehalfOf, delegation: recorded.data.delegation }, { voter: 'carol', onBehalfOf: 'alice', delegation: 'd-alice-carol' });
    const approved = draftOf(outcome.drafts, 'ActionApproved');
    assert.deepEqual(approved.data.approvers, ['alice']);
    assert.match(approved.data.reason, /carol for alice, under delegation/);
  });

  it('given a quorum of 2, the delegator counts toward it like any approver', () => {
    const outcome = given(...pending(2), vote('bob')).when(voteFor('carol', 'alice'));
    assert.deepEqual(draftOf(outcome.then(['VoteRecorded', 'ActionApproved']), 'ActionApproved').data.approvers, ['bob', 'alice']);
  });

  it('a delegate\'s denial denies, naming the delegator', () => {
    const outcome = given(...pending()).when(voteFor('carol', 'alice', 'deny'));
    assert.equal(draftOf(outcome.then(['VoteRecorded', 'ActionDenied']), 'ActionDenied').data.deniedBy, 'alice');
  });

  it('never lets the requester approve their own action through a delegation, either way round (rule 2)', () => {
    // The requester as delegate of an eligible approver.
    given(...pending()).when(voteFor('rita', 'alice')).thenRejected('self_approval', /rita requested this action/);
    // The requester as delegator: carol may not vote for rita on rita's action.
    given(...pending()).when(voteFor('carol', 'rita')).thenRejected('self_approval', /rita requested it/);
    // The human an agent acts for, as delegator.
    given(propose(agent7), requireApproval()).when(voteFor('carol', 'dave')).thenRejected('self_approval', /dave is who agent-7 acts for/);
    // A delegator sharing an identity with the requester.
    const shared = relayed(delegations(delegate('alice', 'carol')).when(castFor('carol', 'alice', 'approve', { onBehalfOfIdentities: ['slack:URITA'] })).drafts);
    given(...pending()).when(shared).thenRejected('self_approval', /slack:URITA of alice is linked/);
  });

  it('counts a delegator once, whether they voted themselves or through their delegate', () => {
    given(...pending(2), vote('alice')).when(voteFor('carol', 'alice')).thenRejected('duplicate_vote', /alice has already voted/);
    given(...pending(2), voteFor('carol', 'alice')).when(vote('alice')).thenRejected('duplicate_vote', /cast by carol on their behalf/);
  });

  it('lets a person cast one vote per action: a delegate of two delegators, or of one and themselves, is not two approvers', () => {
    given(...pending(2), voteFor('carol', 'alice')).when(voteFor('carol', 'bob')).thenRejected('duplicate_vote', /carol has already voted \(approve\) on this action for alice/);
    given(...pending(2), vote('erin')).when(voteFor('erin', 'alice')).thenRejected('duplicate_vote', /erin has already voted/);
  });

  it('refuses a delegated vote for a delegator who is not eligible themselves', () => {
    given(...pending()).when(voteFor('carol', 'zed')).thenRejected('not_eligible', /carol, voting for zed, is not eligible/);
  });

  it('refuses a vote naming a delegator that did not come through the delegator\'s ledger', () => {
    given(...pending()).when(forgedFor('carol', 'alice')).thenRejected('not_eligible', /only under a delegation of theirs/);
  });
});
