import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_EVALUATED } from './decide.ts';
import { nextDeadline } from './state.ts';
import { agent7, cancel, DEADLINE, evaluate, expire, PARAMS_HASH, propose, requireApproval, secondsAfter, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

describe('expiry at the deadline (rule 4)', () => {
  const pending = () => [propose(), requireApproval({ quorum: 2 }), vote('alice')];

  it('given a pending action, when its timer fires before the deadline, then nothing happens', () => {
    const outcome = given(...pending()).when(expire(secondsAfter(DEADLINE, -1)));
    outcome.then([]);
    assert.equal(nextDeadline(outcome.state), DEADLINE.toISOString());
  });

  it('given a pending action, when its timer fires at the deadline, then it expires, as a denial with the facts', () => {
    const outcome = given(...pending()).when(expire(DEADLINE));
    const [expired] = outcome.then(['ActionExpired']);
    assert.deepEqual(expired.actor, { id: 'approval-router', kind: 'service' });
    assert.deepEqual(draftOf([expired], 'ActionExpired').data, {
      rule: 'exports', policyVersion: 'pv-1', paramsHash: PARAMS_HASH, deadline: DEADLINE.toISOString(),
      reason: `No decision before the deadline ${DEADLINE.toISOString()}: 1 of 2 required approval(s) given.`,
    });
    assert.equal(outcome.state.status, 'expired');
    assert.equal(nextDeadline(outcome.state), undefined);
  });

  it('given a pending action, when its timer fires late, then it expires', () => {
    given(...pending()).when(expire(secondsAfter(DEADLINE, 90))).then(['ActionExpired']);
  });

  it('given an action decided before its deadline, when the timer fires, then nothing happens', () => {
    given(propose(), requireApproval(), vote('alice')).when(expire(DEADLINE)).then([]);
  });

  it('given an action policy has not answered, when a timer fires, then nothing happens', () => {
    given(propose()).when(expire(DEADLINE)).then([]);
  });

  it('given an expired action, when the timer fires again, then nothing happens', () => {
    given(...pending(), expire(DEADLINE)).when(expire(secondsAfter(DEADLINE, 5))).then([]);
  });
});

describe('cancellation by the requester', () => {
  it('given a pending action, when its requester cancels, then it is cancelled, with a default reason', () => {
    const outcome = given(propose(), requireApproval()).when(cancel('rita'));
    const [cancelled] = outcome.then(['ActionCancelled']);
    assert.deepEqual(cancelled.actor, { id: 'rita', kind: 'human' });
    assert.deepEqual(draftOf([cancelled], 'ActionCancelled').data, {
      rule: 'exports', policyVersion: 'pv-1', paramsHash: PARAMS_HASH, reason: 'cancelled by requester', cancelledBy: 'rita',
    });
    assert.equal(outcome.state.status, 'cancelled');
  });

  it('given a pending action, when its requester cancels with a reason, then the reason is kept', () => {
    const [cancelled] = given(propose(), requireApproval()).when(cancel('rita', 'wrong environment')).then(['ActionCancelled']);
    assert.equal(draftOf([cancelled], 'ActionCancelled').data.reason, 'wrong environment');
  });

  it('given a proposal policy has not answered, when its requester cancels, then it is cancelled as not evaluated', () => {
    const outcome = given(propose()).when(cancel('rita'));
    const data = draftOf(outcome.then(['ActionCancelled']), 'ActionCancelled').data;
    assert.equal(data.rule, NOT_EVALUATED);
    assert.equal(data.policyVersion, NOT_EVALUATED);
    // The evaluation that arrives afterwards changes nothing.
    outcome.when(evaluate('allow')).then([]);
  });

  it('given an agent acting for dave, when the agent or dave cancels, then it is cancelled', () => {
    const [byAgent] = given(propose(agent7), requireApproval()).when(cancel('agent-7')).then(['ActionCancelled']);
    assert.deepEqual(byAgent.actor, { id: 'agent-7', kind: 'agent' });
    given(propose(agent7), requireApproval()).when(cancel('dave')).then(['ActionCancelled']);
  });

  it('given a pending action, when someone else cancels, then they are refused and it stays pending', () => {
    const outcome = given(propose(), requireApproval()).when(cancel('alice'));
    outcome.thenRejected('not_requester', /Only the requester rita may cancel/);
    assert.equal(outcome.state.status, 'pending');
  });

  it('given a decided action, when its requester cancels, then it is refused as already decided', () => {
    given(propose(), evaluate('allow')).when(cancel('rita')).thenRejected('already_decided', /already approved/);
    given(propose(), requireApproval(), cancel('rita')).when(cancel('rita')).thenRejected('already_decided', /already cancelled/);
    given(propose(), requireApproval(), expire(DEADLINE)).when(cancel('rita')).thenRejected('already_decided');
  });

  it('given nothing proposed, when someone cancels, then it is refused as not pending', () => {
    given().when(cancel('rita')).thenRejected('not_pending');
  });

  it('given a cancelled action, when an approver votes, then the vote is refused', () => {
    given(propose(), requireApproval(), cancel('rita')).when(vote('alice')).thenRejected('already_decided');
  });
});
