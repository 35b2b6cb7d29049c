import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor } from './audit-entry.ts';
import { projectBatch } from './projection.ts';
import { proposal, sealStream } from './testing/streams.ts';

const decision = { rule: 'prod-export', policyVersion: 'v1', paramsHash: contentHash({}) };
const NEXT = '2026-01-01T00:05:00.000Z';

const proposed = proposal('data.export');
const withCallback: DomainEventBody = proposed.type === 'ActionProposed'
  ? { type: 'ActionProposed', data: { ...proposed.data, callbackUrl: 'https://ci.example.com/hooks/42' } }
  : proposed;

const body = {
  proposed,
  requested: {
    type: 'ApprovalRequested',
    data: { rule: decision.rule, policyVersion: decision.policyVersion, quorum: 1, distinctGroups: false, groups: ['stewards'], eligible: ['bob'], eligibleGroups: { bob: ['stewards'] }, deadline: '2026-01-01T01:00:00.000Z' },
  },
  slack: { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'request', attempt: 1, ref: { channel: 'C1', ts: '1.2' } } },
  siemDown: { type: 'NotificationFailed', data: { channel: 'webhook:siem', purpose: 'request', attempt: 1, reason: 'HTTP 503', nextAttemptAt: NEXT } },
  siemDownAgain: { type: 'NotificationFailed', data: { channel: 'webhook:siem', purpose: 'request', attempt: 2, reason: 'HTTP 503', nextAttemptAt: NEXT } },
  siemBack: { type: 'NotificationDelivered', data: { channel: 'webhook:siem', purpose: 'request', attempt: 3 } },
  teamsGaveUp: { type: 'NotificationFailed', data: { channel: 'teams:19:abc', purpose: 'request', attempt: 5, reason: 'connection refused' } },
  denied: { type: 'ActionDenied', data: { ...decision, reason: 'not now', automatic: false, deniedBy: 'bob' } },
  slackUpdated: { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'decision', attempt: 1, ref: { channel: 'C1', ts: '1.2' }, updated: true } },
} satisfies Record<string, DomainEventBody>;

const fold = (events: ActionEvent[]) => events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined)!;

describe('action view: delivery outcomes', () => {
  it('given a new action, it has no notifications and a clean delivery summary', () => {
    const view = fold(sealStream([body.proposed]));
    assert.deepEqual(view.notifications, []);
    assert.deepEqual(view.delivery, { delivered: 0, failures: 0, failing: [] });
  });

  it('given deliveries and failures, the view lists one entry per event, in order, with what each said', () => {
    const view = fold(sealStream([body.proposed, body.requested, body.slack, body.siemDown]));
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.notifications, [
      { channel: 'slack:#data-approvals', purpose: 'request', status: 'delivered', attempt: 1, at: '2026-01-01T00:00:02.000Z', ref: { channel: 'C1', ts: '1.2' } },
      { channel: 'webhook:siem', purpose: 'request', status: 'failed', attempt: 1, at: '2026-01-01T00:00:03.000Z', reason: 'HTTP 503', nextAttemptAt: NEXT },
    ]);
  });

  it('given a channel whose latest attempt failed, the summary names it as failing, with the last failure', () => {
    const view = fold(sealStream([body.proposed, body.requested, body.siemDown, body.slack, body.siemDownAgain]));
    assert.deepEqual(view.delivery, {
      delivered: 1, failures: 2, failing: ['webhook:siem'],
      lastFailure: { channel: 'webhook:siem', purpose: 'request', status: 'failed', attempt: 2, at: '2026-01-01T00:00:04.000Z', reason: 'HTTP 503', nextAttemptAt: NEXT },
    });
  });

  it('given a failing channel that later delivered, it is no longer failing, and its failures stay counted', () => {
    const view = fold(sealStream([body.proposed, body.requested, body.siemDown, body.teamsGaveUp, body.siemBack]));
    assert.deepEqual(view.delivery.failing, ['teams:19:abc']);
    assert.equal(view.delivery.failures, 2);
    assert.equal(view.delivery.lastFailure?.channel, 'teams:19:abc');
    assert.equal(view.delivery.lastFailure?.nextAttemptAt, undefined);
  });

  it('given a message updated after the decision, it is recorded after the decision, which stands', () => {
    const view = fold(sealStream([body.proposed, body.requested, body.slack, body.denied, body.slackUpdated]));
    assert.equal(view.status, 'denied');
    assert.equal(view.decision?.outcome, 'denied');
    assert.deepEqual(view.notifications.map((n) => [n.purpose, n.status, n.updated]), [['request', 'delivered', undefined], ['decision', 'delivered', true]]);
  });

  it('given a proposal with a callback URL, the view shows it', () => {
    assert.equal(fold(sealStream([withCallback])).callbackUrl, 'https://ci.example.com/hooks/42');
    assert.equal(fold(sealStream([body.proposed])).callbackUrl, undefined);
  });

  it('given a view stored before deliveries were recorded, a delivery still projects', () => {
    const events = sealStream([body.proposed, body.siemDown]);
    const { notifications: _n, delivery: _d, ...old } = fold(events.slice(0, 1));
    const view = projectAction(old as ActionView, events[1])!;
    assert.equal(view.notifications.length, 1);
    assert.deepEqual(view.delivery.failing, ['webhook:siem']);
  });

  it('given a delivery redelivered, the view does not change', async () => {
    const events = sealStream([body.proposed, body.requested, body.slack]);
    const view = fold(events);
    assert.equal(projectAction(view, events[2]), view);
    const again = await projectBatch(events, async () => view);
    assert.deepEqual(again.entries, []);
  });
});

describe('audit rows of delivery outcomes', () => {
  const events = sealStream([body.proposed, body.requested, body.slack, body.siemDownAgain, body.teamsGaveUp, body.denied, body.slackUpdated]);
  const view = fold(events);
  const row = (i: number) => auditEntryFor(view, events[i]);

  it('a delivery says what reached which channel, by the notifier', () => {
    assert.equal(row(2).summary, 'request delivered to slack:#data-approvals');
    assert.deepEqual([row(2).actor, row(2).actorKind, row(2).type], ['notifier', 'service', 'NotificationDelivered']);
    assert.deepEqual(row(2).details, { channel: 'slack:#data-approvals', purpose: 'request', attempt: 1, ref: { channel: 'C1', ts: '1.2' } });
  });

  it('a failure says which attempt failed, why, and when the next one is', () => {
    assert.equal(row(3).summary, `request delivery to webhook:siem failed (attempt 2): HTTP 503; next attempt at ${NEXT}`);
    assert.equal(row(3).reason, 'HTTP 503');
    assert.deepEqual(row(3).details, { channel: 'webhook:siem', purpose: 'request', attempt: 2, nextAttemptAt: NEXT });
  });

  it('a failure the notifier gave up on says so', () => {
    assert.equal(row(4).summary, 'request delivery to teams:19:abc failed (attempt 5): connection refused; the notifier gave up');
  });

  it('a message updated after the decision says so', () => {
    assert.equal(row(6).summary, 'decision message updated in slack:#data-approvals');
    assert.equal(row(6).outcome, undefined);
  });
});
