import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cancel, DEADLINE, deny, evaluate, expire, propose, requireApproval, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

describe('the first eligible rejection denies (rule 3)', () => {
  it('given one approval of 2, when an eligible approver denies with a reason, then the action is denied by them', () => {
    const outcome = given(propose(), requireApproval({ quorum: 2 }), vote('alice')).when(deny('bob', '  wrong table  '));
    const denied = draftOf(outcome.then(['VoteRecorded', 'ActionDenied']), 'ActionDenied');
    assert.deepEqual(denied.actor, { id: 'bob', kind: 'human' });
    assert.equal(denied.data.automatic, false);
    assert.equal(denied.data.deniedBy, 'bob');
    assert.equal(denied.data.reason, 'wrong table');
    assert.equal(denied.data.rule, 'exports');
    assert.equal(outcome.state.status, 'denied');
  });

  it('given no votes yet, when the first voter denies, then that alone denies a quorum of 3', () => {
    given(propose(), requireApproval({ quorum: 3 })).when(deny('alice')).then(['VoteRecorded', 'ActionDenied']);
  });
});

describe('a denial needs a reason', () => {
  const pending = () => [propose(), requireApproval()];

  it('given a pending action, when an approver denies without a comment, then the vote is refused and nothing is recorded', () => {
    const outcome = given(...pending()).when(vote('alice', 'deny'));
    outcome.thenRejected('reason_required', /needs a reason/);
    assert.equal(outcome.state.status, 'pending');
    assert.equal(outcome.state.status === 'pending' && outcome.state.votes.length, 0);
  });

  it('given a pending action, when an approver denies with a blank comment, then it is refused too', () => {
    given(...pending()).when(vote('alice', 'deny', { comment: ' \n\t ' })).thenRejected('reason_required');
  });

  it('given a refused reasonless denial, when the approver denies again with a reason, then it counts', () => {
    given(...pending(), vote('alice', 'deny')).when(deny('alice')).then(['VoteRecorded', 'ActionDenied']);
  });

  it('given a pending action, when an approver approves without a comment, then no reason is needed', () => {
    given(...pending()).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });
});

describe('only eligible principals vote (rule 2)', () => {
  const pending = () => [propose(), requireApproval({ groups: ['sre'], principals: ['carol'] })];

  it('given approval by sre, when someone outside it votes, then they are refused and told who may vote', () => {
    given(...pending()).when(vote('zed')).thenRejected('not_eligible', /zed is not eligible.*members of sre, or carol/);
  });

  it('given approval by sre, when an unknown principal votes, then they are refused', () => {
    given(...pending()).when(vote('mallory')).thenRejected('not_eligible');
  });

  it('given approval by sre, when an agent of that group votes, then it is refused: only humans approve', () => {
    const outcome = given(...pending()).when(vote('bot-1'));
    outcome.thenRejected('not_eligible');
    assert.deepEqual(outcome.drafts[0].actor, { id: 'bot-1', kind: 'agent' });
  });

  it('given an ineligible denial, then it does not deny', () => {
    const outcome = given(...pending()).when(deny('zed'));
    outcome.thenRejected('not_eligible');
    assert.equal(outcome.state.status, 'pending');
  });

  it('given a principal named by the rule, when they vote, then it counts', () => {
    given(...pending()).when(vote('carol')).then(['VoteRecorded', 'ActionApproved']);
  });
});

describe('votes before the request or after the decision are refused (rule 3)', () => {
  it('given nothing proposed, when someone votes, then it is refused as not pending', () => {
    given().when(vote('alice')).thenRejected('not_pending', /not been proposed/);
  });

  it('given a proposal policy has not answered yet, when someone votes, then it is refused as not pending', () => {
    given(propose()).when(vote('alice')).thenRejected('not_pending', /not asked for approval/);
  });

  const finals = {
    'approved by policy': { history: [propose(), evaluate('allow')], status: 'approved' },
    'denied by policy': { history: [propose(), evaluate('deny')], status: 'denied' },
    'denied for lack of approvers': { history: [propose(), requireApproval({ quorum: 9 })], status: 'denied' },
    'approved by votes': { history: [propose(), requireApproval(), vote('alice')], status: 'approved' },
    'denied by a vote': { history: [propose(), requireApproval({ quorum: 2 }), deny('alice')], status: 'denied' },
    expired: { history: [propose(), requireApproval(), expire(DEADLINE)], status: 'expired' },
    'cancelled while pending': { history: [propose(), requireApproval(), cancel('rita')], status: 'cancelled' },
    'cancelled before evaluation': { history: [propose(), cancel('rita')], status: 'cancelled' },
  };

  for (const [name, { history, status }] of Object.entries(finals)) {
    it(`given an action ${name}, when an eligible approver votes, then the vote is refused as already ${status}`, () => {
      const outcome = given(...history).when(vote('bob'));
      outcome.thenRejected('already_decided', new RegExp(`already ${status}`));
      assert.equal(outcome.state.status, status);
    });

    it(`given an action ${name}, when an eligible approver denies, then it is refused as well`, () => {
      given(...history).when(deny('erin')).thenRejected('already_decided');
    });
  }
});
