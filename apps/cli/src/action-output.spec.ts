import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { actionSummary, actionTable, outcomeText, progressText, waitingForText } from './action-output.ts';
import { safe, type ActionView } from './action-view.ts';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const pending: ActionView = {
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  status: 'pending',
  action: 'data.export',
  resource: 'prod/customers',
  params: { format: 'csv', rows: 5000 },
  paramsHash: '0ca871ed',
  requester: 'demo-agent',
  onBehalfOf: 'alice',
  justification: 'quarterly churn report',
  createdAt: '2026-11-02T08:59:00.000Z',
  policy: { outcome: 'require_approval', rule: 'prod-export', reason: 'rule prod-export requires 1 approval from data-stewards', policyVersion: 'a815c8c381f11c04ffff' },
  approval: { groups: ['data-stewards'], quorum: 1, eligible: ['alice', 'bob'], deadline: '2026-11-02T09:59:30.000Z', approvals: 0 },
  votes: [],
};
const approved: ActionView = {
  ...pending,
  status: 'approved',
  approval: { ...pending.approval, approvals: 1 },
  votes: [{ voter: 'bob', decision: 'approve', via: 'api', at: '2026-11-02T09:01:00.000Z', comment: 'ticket DATA-1234 checked' }],
  decision: { outcome: 'approved', at: '2026-11-02T09:01:00.000Z', by: ['bob'], automatic: false, reason: 'Approved by bob: quorum of 1 reached.', rule: 'prod-export' },
  execution: { status: 'succeeded', executor: 'demo-agent', startedAt: '2026-11-02T09:02:00.000Z', finishedAt: '2026-11-02T09:03:00.000Z' },
};

describe('action output', () => {
  it('given actions, when listed, then one aligned row each under a header, approvals as n/quorum', () => {
    assert.equal(actionTable([pending, { id: 'x', status: 'approved', action: 'data.read', resource: 'prod/a', requester: 'bob' }]), [
      'ID                                    STATUS    ACTION       RESOURCE        REQUESTER   APPROVALS  CREATED',
      '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b  pending   data.export  prod/customers  demo-agent  0/1        2026-11-02T08:59:00.000Z',
      'x                                     approved  data.read    prod/a          bob         -',
      '',
    ].join('\n'));
    assert.equal(actionTable([]), 'no actions\n');
  });

  it('given an approved and executed action, when shown, then every part is a labelled line', () => {
    assert.equal(actionSummary(approved, NOW), [
      'id             0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      'status         approved',
      'action         data.export on prod/customers',
      'params         {"format":"csv","rows":5000}',
      'params hash    0ca871ed',
      'requester      demo-agent (on behalf of alice)',
      'justification  quarterly churn report',
      'created        2026-11-02T08:59:00.000Z',
      'policy         require_approval by rule prod-export (policy a815c8c381f1): rule prod-export requires 1 approval from data-stewards',
      'approval       1 of 1 from data-stewards; eligible: alice, bob; deadline 2026-11-02T09:59:30.000Z',
      'vote           bob approve via api at 2026-11-02T09:01:00.000Z: ticket DATA-1234 checked',
      'decision       approved by bob at 2026-11-02T09:01:00.000Z: Approved by bob: quorum of 1 reached.',
      'execution      succeeded by demo-agent, started 2026-11-02T09:02:00.000Z, finished 2026-11-02T09:03:00.000Z',
      '',
    ].join('\n'));
  });

  it('given a pending action, then says who it waits for, how many, and the time left', () => {
    assert.equal(waitingForText(pending, NOW),
      'waiting for 1 approval from data-stewards (eligible: alice, bob); deadline 2026-11-02T09:59:30.000Z (in 59m30s)');
    assert.equal(waitingForText({ ...pending, approval: { ...pending.approval, quorum: 2, distinctGroups: true, groups: ['data-stewards', 'security'] } }, NOW),
      'waiting for 2 approvals from distinct groups of data-stewards, security (eligible: alice, bob); deadline 2026-11-02T09:59:30.000Z (in 59m30s)');
    assert.equal(progressText(pending, NOW, NOW.getTime() + 30 * 60_000), 'pending: 0/1 approvals · expires in 59m30s · --wait ends in 30m00s');
    assert.equal(progressText({ id: 'x', status: 'proposed' }, NOW), 'proposed: 0/? approvals');
  });

  it('given a decision by policy, then names the rule instead of the router', () => {
    assert.equal(outcomeText({ ...pending, status: 'denied', decision: { outcome: 'denied', automatic: true, by: ['approval-router'], rule: 'no-drops', reason: 'Never.' } }),
      'denied by policy (rule no-drops): Never.');
  });

  it('property: whatever the server sends in its strings, output stays one line per fact with no control characters', () => {
    const text = fc.string({ unit: 'binary', maxLength: 80 });
    fc.assert(
      fc.property(text, text, text, text, (resource, reason, voter, comment) => {
        const a: ActionView = {
          ...approved,
          resource,
          decision: { ...approved.decision, reason },
          votes: [{ voter, decision: 'approve', comment }],
        };
        const summary = actionSummary(a, NOW);
        assert.equal(summary.split('\n').length, 14, JSON.stringify(summary));
        assert.equal(actionTable([a]).split('\n').length, 3);
        for (const out of [summary, actionTable([a]), outcomeText(a), waitingForText(a, NOW)]) {
          assert.doesNotMatch(out.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('given a terminal escape in server text, then it is shown escaped, not sent to the terminal', () => {
    assert.equal(safe('ok\u001b[2J\nforged line'), 'ok\\u001b[2J\\nforged line');
    assert.equal(safe('x'.repeat(10), 4), 'xxxx…(6 more characters)');
  });
});
