import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionView, VoteView } from '@countersign/audit';
import { presentAction } from './views.ts';

const vote = (voter: string, decision: 'approve' | 'deny' = 'approve'): VoteView => ({ voter, decision, via: 'api', at: '2026-01-01T00:00:00.000Z', commandId: `c-${voter}` });

function pending(votes: VoteView[], approval: Partial<NonNullable<ActionView['approval']>>): ActionView {
  return {
    _id: 'a1', status: 'pending', action: 'iam.escalate', resource: 'iam/role/root', params: {}, paramsHash: 'p', requestHash: 'r',
    requester: 'demo-agent', requesterKind: 'agent', correlationId: 'a1', createdAt: 't', updatedAt: 't', votes, rejections: [],
    notifications: [], delivery: { delivered: 0, failures: 0, failing: [] }, involved: [], handled: [], lastSeq: 3, headHash: 'h',
    approval: { groups: ['data-stewards', 'security'], quorum: 2, distinctGroups: true, eligible: ['alice', 'bob', 'erin'], deadline: 't', ...approval },
  };
}

const approvalsShown = (view: ActionView) => presentAction(view).approval?.approvals;

describe('an action as the API shows it', () => {
  it('given distinct groups and two approvals from one group, then one approval counts, as the router counts it', () => {
    const view = pending([vote('alice'), vote('bob')], { eligibleGroups: { alice: ['data-stewards'], bob: ['data-stewards'], erin: ['security'] } });
    assert.equal(approvalsShown(view), 1);
  });

  it('given approvals from both groups, then both count', () => {
    const view = pending([vote('alice'), vote('erin')], { eligibleGroups: { alice: ['data-stewards'], bob: ['data-stewards'], erin: ['security'] } });
    assert.equal(approvalsShown(view), 2);
  });

  it('given no distinct groups, then every approver counts once and denials not at all', () => {
    const view = pending([vote('alice'), vote('bob'), vote('erin', 'deny')], { distinctGroups: false, eligibleGroups: {} });
    assert.equal(approvalsShown(view), 2);
  });

  it('keeps bookkeeping out: no eligibleGroups, involved, handled or rejections', () => {
    const shown = presentAction(pending([], { eligibleGroups: { alice: ['data-stewards'] } }));
    assert.equal(approvalsShown(pending([], { eligibleGroups: {} })), 0);
    assert.ok(!('eligibleGroups' in (shown.approval ?? {})));
    for (const field of ['involved', 'handled', 'rejections', 'lastSeq', 'headHash', '_id']) assert.ok(!(field in shown), field);
  });
});
