import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { countUndecided, findActions, type ActionsQuery } from './actions-query.ts';
import { memoryRows } from './testing/memory-rows.ts';
import { proposal, sealStream } from './testing/streams.ts';

const decision = { rule: 'prod-export', policyVersion: 'v1', paramsHash: contentHash({}) };
const requested = (eligible: string[]): DomainEventBody => ({
  type: 'ApprovalRequested',
  data: {
    ...decision, quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible,
    eligibleGroups: Object.fromEntries(eligible.map((p) => [p, ['data-stewards']])), deadline: '2026-01-01T01:00:00.000Z',
  },
});
const vote = (voter: string): DomainEventBody => ({ type: 'VoteRecorded', data: { voter, decision: 'approve', via: 'api' } });
const approved: DomainEventBody = { type: 'ActionApproved', data: { ...decision, reason: 'approved', automatic: false, approvers: ['bob'] } };

let minute = 0;
/** An action's view after `bodies`, each action proposed a minute after the previous one. */
function view(id: string, requester: string, ...bodies: DomainEventBody[]): ActionView {
  const events: ActionEvent[] = sealStream([proposal('data.export', requester), ...bodies], { streamId: id, startMs: Date.UTC(2026, 0, 1, 0, minute++) });
  return events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined)!;
}

const views = [
  view('a1', 'demo-agent'), // proposed
  view('a2', 'demo-agent', requested(['alice', 'bob'])), // pending, nobody voted
  view('a3', 'demo-agent', requested(['alice', 'bob']), vote('alice')), // pending, alice voted
  view('a4', 'demo-agent', requested(['bob']), vote('bob'), approved), // approved
  view('a5', 'erin', requested(['alice'])), // erin's, pending
];

async function ids(q: Partial<ActionsQuery> & Pick<ActionsQuery, 'viewer'>): Promise<string[]> {
  const page = await findActions(memoryRows(views), { readsAll: false, ...q }, { limit: 100, maxBytes: 1e6 }, () => 1);
  return page.rows.map((v) => v._id);
}

describe('the actions query', () => {
  it('given a caller who reads only their own, then they see the actions they are involved in, newest first', async () => {
    assert.deepEqual(await ids({ viewer: 'demo-agent' }), ['a4', 'a3', 'a2', 'a1']);
    assert.deepEqual(await ids({ viewer: 'erin' }), ['a5']);
    assert.deepEqual(await ids({ viewer: 'mallory' }), []);
  });

  it('given an auditor, then every action is listed, and filters narrow it', async () => {
    assert.deepEqual(await ids({ viewer: 'carol', readsAll: true }), ['a5', 'a4', 'a3', 'a2', 'a1']);
    assert.deepEqual(await ids({ viewer: 'carol', readsAll: true, requester: 'erin' }), ['a5']);
    assert.deepEqual(await ids({ viewer: 'carol', readsAll: true, status: 'approved' }), ['a4']);
    assert.deepEqual(await ids({ viewer: 'carol', readsAll: true, action: 'iam.escalate' }), []);
  });

  it('given a delegate of alice (ADR 0010), then their queue holds alice\'s too, until alice or someone for her voted', async () => {
    const forAlice: DomainEventBody = { type: 'VoteRecorded', data: { voter: 'bob', decision: 'approve', via: 'api', onBehalfOf: 'alice', delegation: 'd-1' } };
    const rows = [...views, view('a6', 'demo-agent', requested(['alice', 'bob']), forAlice)];
    const queue = async (viewer: string, awaitingVoteFor: string[]) =>
      (await findActions(memoryRows(rows), { viewer, readsAll: false, awaitingVoteBy: viewer, awaitingVoteFor }, { limit: 100, maxBytes: 1e6 }, () => 1)).rows.map((v) => v._id);
    assert.deepEqual(await queue('carol', ['alice']), ['a5', 'a2']);
    assert.deepEqual(await queue('carol', []), []);
    // bob voted for alice on a6: neither alice's turn nor bob's is left there.
    assert.deepEqual(await queue('bob', ['alice']), ['a5', 'a3', 'a2']);
  });

  it('given an approver, then their queue holds the pending actions they may vote on and have not yet', async () => {
    assert.deepEqual(await ids({ viewer: 'alice', awaitingVoteBy: 'alice' }), ['a5', 'a2']);
    assert.deepEqual(await ids({ viewer: 'bob', awaitingVoteBy: 'bob' }), ['a3', 'a2']);
  });

  it('given a requester, then the undecided actions counted are the proposed and pending ones', async () => {
    assert.equal(await countUndecided(memoryRows(views), 'demo-agent'), 3);
    assert.equal(await countUndecided(memoryRows(views), 'erin'), 1);
    assert.equal(await countUndecided(memoryRows(views), 'bob'), 0);
  });

  it('given ids to leave out, then only the other undecided actions of the requester are counted', async () => {
    const undecided = views.filter((v) => v.requester === 'demo-agent' && ['proposed', 'pending'].includes(v.status)).map((v) => v._id);
    assert.equal(await countUndecided(memoryRows(views), 'demo-agent', undecided.slice(0, 2)), 1);
    assert.equal(await countUndecided(memoryRows(views), 'demo-agent', ['no-such-action']), 3);
  });

  it('given a byte budget, then the page stops early and the next one continues after it', async () => {
    const rows = memoryRows(views);
    const q: ActionsQuery = { viewer: 'carol', readsAll: true };
    const first = await findActions(rows, q, { limit: 100, maxBytes: 2 }, () => 1);
    const second = await findActions(rows, q, { limit: 100, maxBytes: 2, after: first.next }, () => 1);
    assert.deepEqual([first.rows.map((v) => v._id), second.rows.map((v) => v._id)], [['a5', 'a4'], ['a3', 'a2']]);
  });
});
