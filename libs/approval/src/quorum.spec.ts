import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { distinctGroupCover } from './quorum.ts';
import { propose, requireApproval, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

describe('quorum of N distinct approvers (rule 3)', () => {
  const twoOfSre = () => [propose(), requireApproval({ quorum: 2 })];

  it('given a quorum of 2, when one eligible approver approves, then the vote is recorded and the action stays pending', () => {
    const outcome = given(...twoOfSre()).when(vote('alice'));
    const [recorded] = outcome.then(['VoteRecorded']);
    assert.deepEqual(recorded.actor, { id: 'alice', kind: 'human' });
    assert.deepEqual(recorded.data, { voter: 'alice', decision: 'approve', via: 'api' });
    assert.equal(outcome.state.status, 'pending');
  });

  it('given one approval of 2, when a second eligible approver approves, then the action is approved by both', () => {
    const outcome = given(...twoOfSre(), vote('alice')).when(vote('bob', 'approve', { comment: 'looks right' }));
    const approved = draftOf(outcome.then(['VoteRecorded', 'ActionApproved']), 'ActionApproved');
    assert.deepEqual(approved.actor, { id: 'bob', kind: 'human' });
    assert.equal(approved.data.automatic, false);
    assert.deepEqual(approved.data.approvers, ['alice', 'bob']);
    assert.equal(approved.data.rule, 'exports');
    assert.equal(approved.data.policyVersion, 'pv-1');
    assert.match(approved.data.reason, /alice, bob.*quorum of 2/);
    assert.equal(outcome.state.status, 'approved');
  });

  it('given one approval of 2, when the same approver approves again, then it is a duplicate and does not count twice', () => {
    const outcome = given(...twoOfSre(), vote('alice')).when(vote('alice'));
    outcome.thenRejected('duplicate_vote', /alice has already voted \(approve\)/);
    assert.equal(outcome.state.status, 'pending');
    outcome.when(vote('bob')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given an approval, when the same approver tries to deny after all, then it is a duplicate too', () => {
    given(...twoOfSre(), vote('alice')).when(vote('alice', 'deny', { comment: 'changed my mind' })).thenRejected('duplicate_vote');
  });

  it('given a quorum of 1, when the first approver approves, then that alone decides', () => {
    given(propose(), requireApproval()).when(vote('erin')).then(['VoteRecorded', 'ActionApproved']);
  });
});

describe('quorum from distinct groups', () => {
  const sreAndSecurity = () => [propose(), requireApproval({ groups: ['sre', 'security'], quorum: 2, distinctGroups: true })];

  it('given two approvals from the same group, then the quorum is not reached', () => {
    given(...sreAndSecurity(), vote('alice')).when(vote('bob')).then(['VoteRecorded']);
  });

  it('given two sre approvals, when security approves, then the action is approved by all three', () => {
    const drafts = given(...sreAndSecurity(), vote('alice'), vote('bob')).when(vote('carol')).then(['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(draftOf(drafts, 'ActionApproved').data.approvers, ['alice', 'bob', 'carol']);
  });

  it('given erin (in both groups) approved, when carol (security only) approves, then erin counts for sre', () => {
    given(...sreAndSecurity(), vote('erin')).when(vote('carol')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given erin (in both groups) approved, when alice (sre only) approves, then erin counts for security', () => {
    given(...sreAndSecurity(), vote('erin')).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given a named approver outside the groups, then their approval does not fill a group', () => {
    const setup = [propose(), requireApproval({ groups: ['sre', 'security'], principals: ['zed'], quorum: 2, distinctGroups: true })];
    given(...setup, vote('zed')).when(vote('alice')).then(['VoteRecorded']);
  });
});

describe('distinctGroupCover', () => {
  const groupsOf = { erin: ['sre', 'security'], alice: ['sre'], bob: ['sre'], carol: ['security'], zed: [] };

  it('counts the largest assignment of people to different groups', () => {
    assert.equal(distinctGroupCover([], groupsOf), 0);
    assert.equal(distinctGroupCover(['alice', 'bob'], groupsOf), 1);
    assert.equal(distinctGroupCover(['erin'], groupsOf), 1);
    assert.equal(distinctGroupCover(['alice', 'erin'], groupsOf), 2);
    assert.equal(distinctGroupCover(['erin', 'alice'], groupsOf), 2);
    assert.equal(distinctGroupCover(['erin', 'carol', 'alice'], groupsOf), 2);
    assert.equal(distinctGroupCover(['zed', 'alice'], groupsOf), 1);
  });

  it('ignores people it knows nothing about, and repeats', () => {
    assert.equal(distinctGroupCover(['constructor', 'alice', 'alice'], groupsOf), 1);
  });

  it('finds a perfect assignment that a greedy first choice would miss', () => {
    const chain = { a: ['g1', 'g2'], b: ['g1', 'g3'], c: ['g1'] };
    assert.equal(distinctGroupCover(['a', 'b', 'c'], chain), 3);
  });
});
