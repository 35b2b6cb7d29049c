import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, sealEvents, type ActionEvent, type DomainEventBody, type Actor } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor } from './audit-entry.ts';
import { projectBatch } from './projection.ts';

const agent: Actor = { id: 'demo-agent', kind: 'agent' };
const router: Actor = { id: 'approval-router', kind: 'service' };
const paramsHash = contentHash({ rows: 5 });
const decision = { rule: 'prod-export', policyVersion: 'v1', paramsHash };

const body = {
  proposed: { type: 'ActionProposed', data: { action: 'data.export', resource: 'prod/c', params: { rows: 5 }, paramsHash, requestHash: contentHash('r'), requester: { id: 'demo-agent', kind: 'agent', identities: [] } } },
  evaluated: { type: 'PolicyEvaluated', data: { outcome: 'require_approval', policyVersion: 'v1', matchedRules: ['prod-export'], rule: 'prod-export', reason: 'needs a steward' } },
  requested: { type: 'ApprovalRequested', data: { rule: 'prod-export', policyVersion: 'v1', quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'], eligibleGroups: { alice: ['data-stewards'], bob: ['data-stewards'] }, deadline: '2026-01-01T01:00:00.000Z' } },
  rejected: { type: 'CommandRejected', data: { command: 'CastVote', commandId: 'cmd-9', by: 'carol', code: 'not_eligible', reason: 'carol is not in data-stewards' } },
  voted: { type: 'VoteRecorded', data: { voter: 'bob', decision: 'approve', comment: 'fine', via: 'api' } },
  approved: { type: 'ActionApproved', data: { ...decision, reason: 'approved by bob', automatic: false, approvers: ['bob'] } },
} satisfies Record<string, DomainEventBody>;

function stream(...bodies: DomainEventBody[]): ActionEvent[] {
  let n = 0;
  const drafts = bodies.map((b) => ({ ...b, actor: b.type === 'VoteRecorded' ? { id: 'bob', kind: 'human' as const } : b.type === 'ActionProposed' ? agent : router }));
  return sealEvents(drafts, {
    streamId: 'act-1', causationId: 'cmd-1', correlationId: 'act-1',
    now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, n++)), newId: () => `evt-${n}`,
  }) as ActionEvent[];
}

const fold = (events: ActionEvent[]) => events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined);

describe('action read model', () => {
  it('given a full approval stream, the view shows status, votes, decision and who may see it', () => {
    const view = fold(stream(body.proposed, body.evaluated, body.requested, body.rejected, body.voted, body.approved))!;
    assert.equal(view.status, 'approved');
    assert.equal(view.policy?.rule, 'prod-export');
    assert.deepEqual(view.approval?.eligible, ['alice', 'bob']);
    assert.deepEqual(view.votes.map((v) => [v.voter, v.decision, v.comment]), [['bob', 'approve', 'fine']]);
    assert.deepEqual(view.rejections.map((r) => r.code), ['not_eligible']);
    assert.deepEqual(view.decision, { outcome: 'approved', at: '2026-01-01T00:00:05.000Z', by: ['bob'], automatic: false, reason: 'approved by bob', ...decision });
    assert.deepEqual(view.involved.sort(), ['alice', 'bob', 'demo-agent']);
    assert.equal(view.lastSeq, 6);
  });

  it('when an event is delivered twice, the view does not change', () => {
    const events = stream(body.proposed, body.evaluated, body.requested, body.voted);
    const once = fold(events)!;
    assert.equal(projectAction(once, events[3]), once);
    assert.equal(projectAction(once, events[0]), once);
  });

  it('an event without its proposal is not projected', () => {
    const events = stream(body.proposed, body.evaluated);
    assert.equal(projectAction(undefined, events[1]), undefined);
  });

  it('audit entries denormalise who, what and why for filtering', () => {
    const events = stream(body.proposed, body.evaluated, body.requested, body.voted, body.approved);
    const view = fold(events)!;
    const decided = auditEntryFor(view, events[4]);
    assert.equal(decided._id, 'act-1:00000005');
    assert.equal(decided.outcome, 'approved');
    assert.deepEqual(decided.approvers, ['bob']);
    assert.equal(decided.requester, 'demo-agent');
    assert.equal(decided.action, 'data.export');
    assert.equal(decided.hash, events[4].hash);
    const vote = auditEntryFor(view, events[3]);
    assert.deepEqual([vote.approvers, vote.comment, vote.outcome], [['bob'], 'fine', undefined]);
  });

  it('projectBatch skips redeliveries and reports orphans', async () => {
    const events = stream(body.proposed, body.evaluated, body.requested);
    const first = await projectBatch(events.slice(0, 2), async () => undefined);
    const stored = first.views.get('act-1');
    const again = await projectBatch(events, async () => stored);
    assert.equal(again.entries.length, 1);
    assert.equal(again.views.get('act-1')?.status, 'pending');
    const orphan = await projectBatch([events[2]], async () => undefined);
    assert.equal(orphan.orphans.length, 1);
  });
});
