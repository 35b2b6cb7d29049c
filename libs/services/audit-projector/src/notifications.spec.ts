import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS, type ActionView, type AuditEntry } from '@countersign/audit';
import { contentHash, sealEvents, TOPICS, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { Projector } from './projector.ts';

const T0 = Date.UTC(2026, 0, 1);
const NEXT = '2026-01-01T00:05:00.000Z';
const decision = { rule: 'prod-export', policyVersion: 'v1', paramsHash: contentHash({}) };

/** A pending action asked in Slack and a webhook; the webhook is down; then bob approves and Slack is updated. */
function streamOf(streamId: string): ActionEvent[] {
  const bodies: DomainEventBody[] = [
    {
      type: 'ActionProposed',
      data: {
        action: 'data.export', resource: 'prod/c', params: {}, paramsHash: decision.paramsHash, requestHash: contentHash(streamId),
        requester: { id: 'demo-agent', kind: 'agent', identities: [] }, callbackUrl: 'https://ci.example.com/hooks/42',
      },
    },
    {
      type: 'ApprovalRequested',
      data: { rule: decision.rule, policyVersion: decision.policyVersion, quorum: 1, distinctGroups: false, groups: ['stewards'], eligible: ['bob'], eligibleGroups: { bob: ['stewards'] }, deadline: '2026-01-01T01:00:00.000Z' },
    },
    { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'request', attempt: 1, ref: { channel: 'C1', ts: '1.2' } } },
    { type: 'NotificationFailed', data: { channel: 'webhook:siem', purpose: 'request', attempt: 2, reason: 'HTTP 503', nextAttemptAt: NEXT } },
    { type: 'ActionApproved', data: { ...decision, reason: 'approved by bob', automatic: false, approvers: ['bob'] } },
    { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'decision', attempt: 1, ref: { channel: 'C1', ts: '1.2' }, updated: true } },
  ];
  const actor = (b: DomainEventBody) =>
    b.type === 'ActionProposed' ? { id: 'demo-agent', kind: 'agent' as const }
      : b.type.startsWith('Notification') ? { id: 'notifier', kind: 'service' as const }
        : { id: 'approval-router', kind: 'service' as const };
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: actor(b) })), {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId, now: () => new Date(T0 + 1000 * n++), newId: () => `evt-${streamId}-${n}`,
  }) as ActionEvent[];
}

const delivered = (events: ActionEvent[]): DeliveredRecord[] =>
  events.map((e, i) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(i), raw: JSON.stringify(e), value: e }));

function setup() {
  const store = createMemoryReadModelStore();
  const projector = new Projector({ store, now: () => new Date(T0), warn: () => {} });
  return { projector, actions: store.collection<ActionView>(COLLECTIONS.actions), audit: store.collection<AuditEntry>(COLLECTIONS.audit) };
}

describe('projector: delivery outcomes', () => {
  it('given deliveries before and after the decision, the stored view lists them and sums them up, with the callback URL', async () => {
    const { projector, actions } = setup();
    assert.deepEqual(await projector.project(delivered(streamOf('act-1'))), []);
    const view = (await actions.get('act-1'))!;
    assert.equal(view.status, 'approved');
    assert.equal(view.callbackUrl, 'https://ci.example.com/hooks/42');
    assert.deepEqual(view.notifications.map((x) => [x.channel, x.purpose, x.status, x.attempt]), [
      ['slack:#data-approvals', 'request', 'delivered', 1],
      ['webhook:siem', 'request', 'failed', 2],
      ['slack:#data-approvals', 'decision', 'delivered', 1],
    ]);
    assert.deepEqual([view.delivery.delivered, view.delivery.failures, view.delivery.failing], [2, 1, ['webhook:siem']]);
    assert.equal(view.delivery.lastFailure?.nextAttemptAt, NEXT);
  });

  it('given actions with and without failures, a client finds those with a channel down by filtering on the summary', async () => {
    const { projector, actions } = setup();
    const healthy = streamOf('act-ok').filter((e) => e.type !== 'NotificationFailed');
    await projector.project(delivered([...streamOf('act-down'), ...healthy]));
    const down = await actions.find({ 'delivery.failing.0': { $exists: true } });
    assert.deepEqual(down.map((v) => v._id), ['act-down']);
  });

  it('writes one audit row per outcome, by the notifier, with a sentence, the failure reason and its next attempt', async () => {
    const { projector, audit } = setup();
    await projector.project(delivered(streamOf('act-1')));
    const rows = await audit.find({ type: { $in: ['NotificationDelivered', 'NotificationFailed'] } }, { sort: { _id: 1 } });
    assert.deepEqual(rows.map((r) => [r.actor, r.summary]), [
      ['notifier', 'request delivered to slack:#data-approvals'],
      ['notifier', `request delivery to webhook:siem failed (attempt 2): HTTP 503; next attempt at ${NEXT}`],
      ['notifier', 'decision message updated in slack:#data-approvals'],
    ]);
    assert.equal(rows[1].reason, 'HTTP 503');
  });

  it('when the log redelivers the batch, nothing is listed twice', async () => {
    const { projector, actions, audit } = setup();
    const records = delivered(streamOf('act-1'));
    await projector.project(records.slice(0, 4));
    await projector.project(records);
    const view = (await actions.get('act-1'))!;
    assert.equal(view.notifications.length, 3);
    assert.equal(view.delivery.failures, 1);
    assert.equal(await audit.count({ actionId: 'act-1' }), 6);
  });
});
