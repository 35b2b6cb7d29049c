import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, sealEvents, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import { foldHistories, type FinalDecision } from '@countersign/policy';
import { evaluated, requirement } from './simulation-fixtures.ts';

const params = { table: 'customers' };
const proposed: DomainEventBody = {
  type: 'ActionProposed',
  data: {
    action: 'data.export', resource: 'prod/customers', params, paramsHash: contentHash(params), requestHash: contentHash({ params }),
    requester: { id: 'demo-agent', kind: 'agent', identities: [] },
  },
};
const decision = { rule: 'prod-export', policyVersion: 'a'.repeat(64), paramsHash: contentHash(params), reason: 'r' };

/** Seals bodies into one action's stream, one second apart from 12:00:00. */
function stream(actionId: string, bodies: DomainEventBody[]): ActionEvent[] {
  let second = 0;
  let id = 0;
  const now = () => new Date(Date.UTC(2026, 2, 1, 12, 0, second++));
  const drafts = bodies.map((b) => ({ ...b, actor: { id: 'test', kind: 'service' as const } }));
  return sealEvents(drafts, { streamId: actionId, causationId: 'c', correlationId: actionId, now, newId: () => `${actionId}-${++id}` }) as ActionEvent[];
}

describe('action histories folded from the log', () => {
  it('given a proposal, its evaluation, votes and a decision, keeps the proposal, what policy said, and how it ended', () => {
    const events = stream('a1', [
      proposed,
      { type: 'PolicyEvaluated', data: evaluated('require_approval', 'prod-export', requirement(['data-stewards'])) },
      { type: 'VoteRecorded', data: { voter: 'alice', decision: 'approve', via: 'api' } },
      { type: 'ActionApproved', data: { ...decision, automatic: false, approvers: ['alice'] } },
    ]);
    const [h] = foldHistories(events);
    assert.deepEqual(
      { id: h.actionId, at: h.proposedAt, action: h.proposal.action, rule: h.evaluation?.rule, decision: h.decision },
      {
        id: 'a1', at: '2026-03-01T12:00:00.000Z', action: 'data.export', rule: 'prod-export',
        decision: { kind: 'approved', at: '2026-03-01T12:00:03.000Z', automatic: false, approvers: ['alice'], breakGlass: false },
      },
    );
  });

  const ENDED = '2026-03-01T12:00:01.000Z';
  const endings: { name: string; body: DomainEventBody; decision: FinalDecision }[] = [
    { name: 'auto-approved', body: { type: 'ActionApproved', data: { ...decision, automatic: true, approvers: [] } }, decision: { kind: 'approved', at: ENDED, automatic: true, approvers: [], breakGlass: false } },
    { name: 'approved under break-glass', body: { type: 'ActionApproved', data: { ...decision, automatic: false, approvers: ['erin'], breakGlass: true } }, decision: { kind: 'approved', at: ENDED, automatic: false, approvers: ['erin'], breakGlass: true } },
    { name: 'denied by policy', body: { type: 'ActionDenied', data: { ...decision, automatic: true } }, decision: { kind: 'denied', at: ENDED, automatic: true } },
    { name: 'denied by a person', body: { type: 'ActionDenied', data: { ...decision, automatic: false, deniedBy: 'bob' } }, decision: { kind: 'denied', at: ENDED, automatic: false, deniedBy: 'bob' } },
    { name: 'expired', body: { type: 'ActionExpired', data: { ...decision, deadline: '2026-03-01T13:00:00.000Z' } }, decision: { kind: 'expired', at: ENDED } },
    { name: 'cancelled', body: { type: 'ActionCancelled', data: { ...decision, cancelledBy: 'demo-agent' } }, decision: { kind: 'cancelled', at: ENDED, cancelledBy: 'demo-agent' } },
  ];
  for (const e of endings) {
    it(`given an action that was ${e.name}, records that decision`, () => {
      const [h] = foldHistories(stream('a1', [proposed, e.body]));
      assert.deepEqual(h.decision, e.decision);
    });
  }

  it('given a pending action, has no decision', () => {
    const [h] = foldHistories(stream('a1', [proposed, { type: 'PolicyEvaluated', data: evaluated('require_approval', 'r', requirement(['s'])) }]));
    assert.equal(h.decision, undefined);
  });

  it('given several actions interleaved, keeps one history per action in proposal order', () => {
    const a = stream('a', [proposed, { type: 'PolicyEvaluated', data: evaluated('allow', 'ra') }]);
    const b = stream('b', [proposed, { type: 'PolicyEvaluated', data: evaluated('deny', 'rb') }]);
    const histories = foldHistories([a[0], b[0], b[1], a[1]]);
    assert.deepEqual(histories.map((h) => [h.actionId, h.evaluation?.rule]), [['a', 'ra'], ['b', 'rb']]);
  });

  it('given events of a stream whose proposal is not in the log, ignores them', () => {
    const events = stream('cut', [proposed, { type: 'PolicyEvaluated', data: evaluated('allow', 'r') }]);
    assert.deepEqual(foldHistories(events.slice(1)), []);
  });

  it('given a redelivered evaluation, keeps the first one', () => {
    const events = stream('a', [proposed, { type: 'PolicyEvaluated', data: evaluated('allow', 'first') }, { type: 'PolicyEvaluated', data: evaluated('deny', 'second') }]);
    assert.equal(foldHistories(events)[0].evaluation?.rule, 'first');
  });

  it('given delivery outcomes before and after the decision, they change neither the evaluation nor the decision', () => {
    const [h] = foldHistories(stream('a1', [
      proposed,
      { type: 'PolicyEvaluated', data: evaluated('require_approval', 'prod-export', requirement(['data-stewards'])) },
      { type: 'NotificationFailed', data: { channel: 'webhook:siem', purpose: 'request', attempt: 1, reason: 'HTTP 503', nextAttemptAt: '2026-03-01T12:01:00.000Z' } },
      { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'request', attempt: 1, ref: { channel: 'C1', ts: '1.2' } } },
      { type: 'ActionDenied', data: { ...decision, automatic: false, deniedBy: 'bob' } },
      { type: 'NotificationDelivered', data: { channel: 'slack:#data-approvals', purpose: 'decision', attempt: 1, updated: true } },
    ]));
    assert.equal(h.evaluation?.rule, 'prod-export');
    assert.deepEqual(h.decision, { kind: 'denied', at: '2026-03-01T12:00:04.000Z', automatic: false, deniedBy: 'bob' });
  });
});
