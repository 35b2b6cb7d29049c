import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evolve, initialState } from '@countersign/approval';
import { contentHash, type ActionCommand } from '@countersign/contracts';
import { decodeHead } from './stream-head.ts';
import { StreamTable } from './stream-table.ts';
import { decidedAction, DECIDED_DIRECTORY } from './testing/decided-actions.ts';

const AT = new Date('2026-01-01T00:00:00.000Z');
const ctx = () => ({ now: AT, directory: DECIDED_DIRECTORY, newId: (() => { let n = 0; return () => `id-${++n}`; })() });
const form = (value: Record<string, unknown>) => ('settled' in value ? 'settled' : 'full');

function vote(actionId: string, voter: string, id = `${actionId}-${voter}`, extra: Record<string, unknown> = {}): ActionCommand {
  return { id, type: 'CastVote', actionId, issuedAt: AT.toISOString(), correlationId: actionId, actor: { id: 'gateway', kind: 'service' }, data: { voter, voterIdentities: [], decision: 'approve', via: 'api', ...extra } } as ActionCommand;
}

/** A table holding one stream as its events left it after the first `upTo` events of a decided action. */
function replayed(upTo: number) {
  const action = decidedAction('ws', 1, AT);
  const table = new StreamTable();
  for (const event of action.events.slice(0, upTo)) assert.equal(table.apply(event, 0), undefined);
  return { table, action };
}

describe('the working set: full state while open, compact once settled', () => {
  it('given a pending action, when its events are replayed, then it is held in full with its expiry timer armed, and its head carries the full state', () => {
    const { table, action } = replayed(3); // proposed, evaluated, approval requested
    assert.deepEqual(table.census(), { full: 1, settled: 0, ledgers: 0 });
    assert.equal(table.timer(action.actionId)?.command, 'ExpireAction');
    const [head] = table.settleReplayed(0);
    assert.equal(form(head.value), 'full');
  });

  it('given a pending action, when the deciding vote is committed, then it is held settled, its timer is gone and its new head is compact', () => {
    const { table, action } = replayed(3);
    const { events, heads, commit } = table.decideBatch([{ command: vote(action.actionId, 'alice'), partition: 0 }], ctx);
    assert.deepEqual(events.map((e) => e.type), ['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(table.census(), { full: 1, settled: 0, ledgers: 0 }, 'nothing moves before the commit');
    commit();
    assert.deepEqual(table.census(), { full: 0, settled: 1, ledgers: 0 });
    assert.equal(table.timer(action.actionId), undefined);
    assert.deepEqual(heads.map((h) => [h.key, h.value.seq, form(h.value)]), [[action.actionId, 5, 'settled']]);
    assert.equal(heads[0].value.hash, events.at(-1)!.hash);
  });

  it('given a break-glass approval whose review is due, then it stays in full until the review is recorded, then settles', () => {
    const actionId = 'bg-1';
    const base = { actionId, issuedAt: AT.toISOString(), correlationId: actionId };
    const params = { table: 't' };
    const proposal = { action: 'db.write', resource: 'db/t', params, paramsHash: contentHash(params), requestHash: contentHash({ params }), requester: { id: 'rita', kind: 'human', identities: [] } };
    const approval = { groups: ['sre'], principals: [], quorum: 2, distinctGroups: false, timeoutSeconds: 3600, breakGlass: { groups: ['sre'], reviewGroups: ['sre'], reviewWithinSeconds: 86_400 } };
    const evaluation = { outcome: 'require_approval', policyVersion: 'pv-1', matchedRules: ['w'], rule: 'w', reason: 'writes need two', approval };
    const table = new StreamTable();
    const step = (command: Record<string, unknown>) => {
      const out = table.decideBatch([{ command: { ...base, actor: { id: 'gateway', kind: 'service' }, ...command } as ActionCommand, partition: 0 }], ctx);
      out.commit();
      return out.heads.map((h) => form(h.value));
    };
    assert.deepEqual(step({ id: 'p', type: 'RecordProposal', data: { proposal, evaluation } }), ['full']);
    assert.deepEqual(step({ id: 'v', type: 'CastVote', data: { voter: 'alice', voterIdentities: [], decision: 'approve', via: 'api', breakGlass: true, comment: 'outage' } }), ['full']);
    assert.deepEqual(table.census(), { full: 1, settled: 0, ledgers: 0 }, 'approved, its review still to record');
    assert.deepEqual(step({ id: 'r', type: 'RecordReview', data: { reviewer: 'bob', verdict: 'upheld', comment: 'checked' } }), ['settled']);
    assert.deepEqual(table.census(), { full: 0, settled: 1, ledgers: 0 });
  });

  it('given a settled action loaded from its head, when it is proposed again under the same id, then no second stream starts', () => {
    const { actionId, head, proposal, events: log } = decidedAction('ws', 2, AT);
    const table = new StreamTable();
    const read = decodeHead(head);
    assert.ok(read.ok);
    table.load(actionId, read.head, 0);
    const again = { ...proposal, type: 'RecordProposal', actor: { id: 'policy-evaluator', kind: 'service' }, data: { proposal: proposal.data, evaluation: { outcome: 'allow', policyVersion: 'pv-1', matchedRules: [], rule: 'r', reason: 'r' } } } as ActionCommand;
    const { events, heads } = table.decideBatch([{ command: proposal, partition: 0 }, { command: again, partition: 0 }], ctx);
    assert.deepEqual(events, []);
    assert.deepEqual(heads, []);
    assert.equal(table.headOf(actionId)?.seq, log.length);
  });

  it('given a settled action, when an eligible approver votes late, then the refusal extends its chain from the loaded head, and its new head stays compact', () => {
    const { actionId, head, events: log } = decidedAction('ws', 3, AT);
    const table = new StreamTable();
    const read = decodeHead(head);
    assert.ok(read.ok);
    table.load(actionId, read.head, 0);
    const { events, heads, refusals, commit } = table.decideBatch([{ command: vote(actionId, 'bob'), partition: 0 }, { command: vote(actionId, 'zed'), partition: 0 }], ctx);
    assert.deepEqual(events.map((e) => [e.type, e.seq, e.prevHash, (e.data as { code: string }).code]), [['CommandRejected', log.length + 1, log.at(-1)!.hash, 'already_decided']]);
    assert.deepEqual(refusals.map((r) => [r.author, r.kind]), [['zed', 'outsider']]);
    commit();
    assert.deepEqual(heads.map((h) => [h.value.seq, form(h.value)]), [[log.length + 1, 'settled']]);
    const repeat = table.decideBatch([{ command: vote(actionId, 'bob'), partition: 0 }], ctx);
    assert.deepEqual(repeat.events, [], 'the same command again changes nothing');
  });

  it('given a head carrying the full state of a decided action (written before it settled), when it is loaded, then it is held compact', () => {
    const { actionId, events } = decidedAction('ws', 4, AT);
    const last = events.at(-1)!;
    const read = decodeHead({ v: 1, seq: last.seq, hash: last.hash, state: events.reduce(evolve, initialState) });
    assert.ok(read.ok);
    const table = new StreamTable();
    table.load(actionId, read.head, 0);
    assert.deepEqual(table.census(), { full: 0, settled: 1, ledgers: 0 });
  });
});
