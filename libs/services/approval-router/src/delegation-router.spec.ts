import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentHash, delegationLedgerId, TOPICS, validateCommand, type ActionCommand, type ActionEvent, type CommandDataByType, type CommandType,
} from '@countersign/contracts';
import type { BatchContext, DeliveredRecord, EventLog, LogRecord } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { LogContext } from '@countersign/messaging';
import { ApprovalRouter } from './approval-router.ts';
import { decodeHead } from './stream-head.ts';
import { StreamTable } from './stream-table.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const principals = {
  etl: { kind: 'agent' as const, groups: [] },
  alice: { kind: 'human' as const, groups: ['sre'] },
  erin: { kind: 'human' as const, groups: ['security'] },
};
const LEDGER = delegationLedgerId('alice');

/** A router over a log that only records; each delivery is one committed batch; what it sent to the commands topic is handed back. */
function harness() {
  let now = T0;
  const log = { readPartition: async () => undefined, lastRecord: async () => undefined, readAll: async () => undefined, append: async () => undefined } as unknown as EventLog;
  const directory = { snapshot: () => ({ principals }) } as unknown as Directory;
  let n = 0;
  const router = new ApprovalRouter(log, directory, { now: () => new Date(now) }, { next: () => `id-${++n}` }, { version: 'pv-1' });
  function deliver(...commands: ActionCommand[]) {
    const staged: Array<{ topic: string; records: readonly LogRecord[] }> = [];
    const committed: Array<() => void> = [];
    const context: BatchContext = { append: (topic, records) => void staged.push({ topic, records }), afterCommit: (c) => void committed.push(c) };
    const records: DeliveredRecord[] = commands.map((value, i) => ({ topic: TOPICS.commands, key: value.actionId, offset: String(i), partition: 0, raw: JSON.stringify(value), value }));
    router.decide(records.map((record) => ({ record, message: record.value as ActionCommand })), new LogContext(context, undefined, 'approval-router'));
    for (const callback of committed) callback();
    const on = (topic: string) => staged.filter((s) => s.topic === topic).flatMap((s) => s.records);
    return { events: on(TOPICS.events).map((r) => r.value as ActionEvent), sent: on(TOPICS.commands).map((r) => ({ key: r.key, command: r.value as ActionCommand })), heads: on(TOPICS.heads) };
  }
  return { router, deliver, tick: (ms: number) => void (now += ms) };
}

function command<K extends CommandType>(type: K, key: string, data: CommandDataByType[K], id = `${type}-${Math.random().toString(36).slice(2)}`): ActionCommand {
  return { id, type, actionId: key, issuedAt: new Date(T0).toISOString(), actor: { id: 'gateway', kind: 'service' }, correlationId: key, data } as ActionCommand;
}
const params = { rows: 1 };
const proposal = command('RecordProposal', 'a1', {
  proposal: { action: 'data.export', resource: 'prod/x', params, paramsHash: contentHash(params), requestHash: contentHash({ params }), requester: { id: 'etl', kind: 'agent', identities: [] } },
  evaluation: { outcome: 'require_approval', policyVersion: 'pv-1', matchedRules: ['exports'], rule: 'exports', reason: 'r', approval: { groups: ['sre'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 3600 } },
});
const delegation = command('DelegateApproval', LEDGER, { delegationId: 'd-1', delegator: 'alice', delegate: 'erin', from: new Date(T0).toISOString(), until: new Date(T0 + 3600_000).toISOString() });
const castFor = (id: string) => command('CastDelegatedVote', LEDGER, { actionId: 'a1', vote: { voter: 'erin', voterIdentities: [], decision: 'approve', via: 'api', onBehalfOf: 'alice' } }, id);

describe('delegation through the router (ADR 0010)', () => {
  it('relays a delegate\'s vote from the delegator\'s ledger to the action, with the delegate\'s command id, and the action counts it as the delegator\'s', () => {
    const { deliver } = harness();
    assert.deepEqual(deliver(proposal).events.map((e) => e.type), ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested']);
    assert.deepEqual(deliver(delegation).events.map((e) => [e.streamId, e.type]), [[LEDGER, 'ApprovalDelegated']]);
    const relayed = deliver(castFor('vote-1'));
    assert.deepEqual(relayed.events.map((e) => e.type), ['DelegatedVoteRelayed']);
    assert.deepEqual(relayed.sent.map((s) => [s.key, s.command.type, s.command.id, s.command.actor.id]), [['a1', 'CastVote', 'vote-1', 'approval-router']]);
    assert.ok(validateCommand(relayed.sent[0].command).ok);
    const decided = deliver(relayed.sent[0].command);
    assert.deepEqual(decided.events.map((e) => e.type), ['VoteRecorded', 'ActionApproved']);
    const [vote, approved] = decided.events;
    assert.ok(vote.type === 'VoteRecorded' && approved.type === 'ActionApproved');
    assert.deepEqual([vote.data.voter, vote.data.onBehalfOf, vote.data.delegation, vote.causationId], ['erin', 'alice', 'd-1', 'vote-1']);
    assert.deepEqual(approved.data.approvers, ['alice']);
  });

  it('relays nothing once the delegation is revoked or ended', () => {
    const { deliver } = harness();
    deliver(proposal, delegation);
    assert.deepEqual(deliver(command('RevokeDelegation', LEDGER, { delegationId: 'd-1', by: 'alice' })).events.map((e) => e.type), ['DelegationRevoked']);
    assert.deepEqual(deliver(castFor('vote-2')), { events: [], sent: [], heads: [] });
    const other = harness();
    other.deliver(proposal, delegation);
    other.tick(3600_000);
    assert.deepEqual(other.deliver(castFor('vote-3')).events, []);
  });

  it('keeps a delegation ledger\'s head on the heads topic, and reads it back', () => {
    const { deliver } = harness();
    const { heads } = deliver(delegation);
    const decoded = decodeHead(heads.find((h) => h.key === LEDGER)!.value);
    assert.ok(decoded.ok && decoded.head.ledger?.kind === 'delegations', JSON.stringify(decoded));
    assert.deepEqual(Object.keys(decoded.head.ledger.delegations), ['d-1']);
    const table = new StreamTable();
    table.load(LEDGER, decoded.head, 0);
    assert.equal(table.census().ledgers, 1);
    assert.deepEqual(decodeHead({ v: 1, seq: 1, hash: 'a'.repeat(64), ledger: { kind: 'delegations', delegations: { x: { granted: { delegationId: 'y' }, relayed: [] } } } }).ok, false);
  });
});
