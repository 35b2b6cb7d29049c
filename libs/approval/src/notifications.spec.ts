import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextTimer } from './state.ts';
import { delivered, deny, evaluate, failed, propose, requireApproval, T0, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

const NOTIFIER = { id: 'notifier', kind: 'service' };
const NEXT_TRY = new Date(T0.getTime() + 30_000).toISOString();

describe('delivery outcomes reported by the notifier', () => {
  it('given a pending action, when a delivery is reported, then it is recorded as it came, by the notifier, and the action stays pending', () => {
    const before = given(propose(), requireApproval());
    const data = { channel: 'slack:#data-approvals', purpose: 'request' as const, attempt: 1, ref: { channel: 'C1', ts: '1.2' } };
    const outcome = before.when(delivered(data));
    const event = draftOf(outcome.then(['NotificationDelivered']), 'NotificationDelivered');
    assert.deepEqual(event.data, data);
    assert.deepEqual(event.actor, NOTIFIER);
    assert.equal(outcome.state.status, 'pending');
    assert.deepEqual(nextTimer(outcome.state), nextTimer(before.state));
  });

  it('given a pending action, when a failure is reported, then it is recorded with its reason and next attempt, and the action stays approvable', () => {
    const data = { channel: 'webhook:siem', purpose: 'request' as const, attempt: 2, reason: 'HTTP 503', nextAttemptAt: NEXT_TRY };
    const outcome = given(propose(), requireApproval()).when(failed(data));
    const event = draftOf(outcome.then(['NotificationFailed']), 'NotificationFailed');
    assert.deepEqual(event.data, data);
    assert.deepEqual(event.actor, NOTIFIER);
    assert.equal(outcome.state.status, 'pending');
    outcome.when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given an action policy has not answered yet, when a delivery is reported, then it is recorded', () => {
    const outcome = given(propose()).when(delivered({ channel: 'webhook:audit', purpose: 'request' }));
    outcome.then(['NotificationDelivered']);
    assert.equal(outcome.state.status, 'proposed');
    outcome.when(evaluate('allow')).then(['PolicyEvaluated', 'ActionApproved']);
  });

  it('given a decided action, when its updated message is reported, then it is recorded after the decision, which stands', () => {
    const outcome = given(propose(), requireApproval(), deny('alice')).when(
      delivered({ purpose: 'decision', attempt: 1, ref: { channel: 'C1', ts: '1.2' }, updated: true }),
    );
    outcome.then(['NotificationDelivered']);
    assert.equal(outcome.state.status, 'denied');
    assert.deepEqual(outcome.events.map((e) => e.type), [
      'ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'ActionDenied', 'NotificationDelivered',
    ]);
  });

  it('given a decided action, when a failed callback is reported, then it is recorded', () => {
    const outcome = given(propose(), evaluate('deny')).when(failed({ channel: 'callback', purpose: 'callback', reason: 'connection refused' }));
    outcome.then(['NotificationFailed']);
    assert.equal(outcome.state.status, 'denied');
  });

  it('given no proposal, when a delivery or a failure is reported, then nothing is recorded', () => {
    given().when(delivered()).then([]);
    given().when(failed()).then([]);
  });

  it('given a report was recorded, when it is delivered again, then nothing follows and the state is the same', () => {
    for (const report of [delivered(), failed()]) {
      const before = given(propose(), requireApproval(), report);
      const again = before.when(report);
      again.then([]);
      assert.deepEqual(again.state, before.state);
    }
  });

  it('given two attempts on one channel, when each is reported under its own command, then both are recorded in order', () => {
    const outcome = given(propose(), requireApproval(), failed({ attempt: 1, nextAttemptAt: NEXT_TRY })).when(delivered({ channel: 'webhook:siem', attempt: 2 }));
    outcome.then(['NotificationDelivered']);
    assert.deepEqual(outcome.events.slice(-2).map((e) => e.type), ['NotificationFailed', 'NotificationDelivered']);
  });
});
