import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentHash, standingApprovalId, standingLedgerId, TOPICS, validateCommand,
  type ActionCommand, type ActionEvent, type CommandDataByType, type CommandType, type Requester,
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
  dave: { kind: 'human' as const, groups: ['sre'] }, // the human behind etl
  alice: { kind: 'human' as const, groups: ['sre'] },
  bob: { kind: 'human' as const, groups: ['sre'] },
};
const ETL: Requester = { id: 'etl', kind: 'agent', onBehalfOf: 'dave', identities: ['apikey:etl-1'] };
const LEDGER = standingLedgerId('etl');
const RULE = { groups: ['sre'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 3600, standing: { maxTtlSeconds: 3600, maxUses: 2 } };

/** A router over a log that only records; each delivery is one committed batch, and what it sent to the commands topic is handed back. */
function harness() {
  let now = T0;
  const log = { readPartition: async () => undefined, lastRecord: async () => undefined, readAll: async () => undefined, append: async () => undefined } as unknown as EventLog;
  const directory = { snapshot: () => ({ principals }) } as unknown as Directory;
  let n = 0;
  const router = new ApprovalRouter(log, directory, { now: () => new Date(now) }, { next: () => `id-${++n}` }, { version: 'pv-1' });
  const heads: LogRecord[] = [];
  function deliver(...commands: ActionCommand[]) {
    const staged: Array<{ topic: string; records: readonly LogRecord[] }> = [];
    const committed: Array<() => void> = [];
    const context: BatchContext = { append: (topic, records) => void staged.push({ topic, records }), afterCommit: (c) => void committed.push(c) };
    const records: DeliveredRecord[] = commands.map((value, i) => ({ topic: TOPICS.commands, key: value.actionId, offset: String(i), partition: 0, raw: JSON.stringify(value), value }));
    router.decide(records.map((record) => ({ record, message: record.value as ActionCommand })), new LogContext(context, undefined, 'approval-router'));
    for (const callback of committed) callback();
    const on = (topic: string) => staged.filter((s) => s.topic === topic).flatMap((s) => s.records);
    heads.push(...on(TOPICS.heads));
    return { events: on(TOPICS.events).map((r) => r.value as ActionEvent), sent: on(TOPICS.commands).map((r) => ({ key: r.key, command: r.value as ActionCommand })) };
  }
  return { router, deliver, heads, tick: (ms: number) => void (now += ms) };
}

function command<K extends CommandType>(type: K, actionId: string, data: CommandDataByType[K]): ActionCommand {
  return { id: `${type}-${Math.random().toString(36).slice(2)}`, type, actionId, issuedAt: new Date(T0).toISOString(), actor: { id: 'gateway', kind: 'service' }, correlationId: actionId, data } as ActionCommand;
}
function proposal(actionId: string, resource: string, params: Record<string, unknown>, approval: object = RULE): ActionCommand {
  return command('RecordProposal', actionId, {
    proposal: { action: 'data.export', resource, params, paramsHash: contentHash(params), requestHash: contentHash({ params }), requester: ETL },
    evaluation: { outcome: 'require_approval', policyVersion: 'pv-1', matchedRules: ['exports'], rule: 'exports', reason: 'r', approval: approval as never },
  });
}
const approve = (actionId: string, voter: string, standing?: CommandDataByType['CastVote']['standing']) =>
  command('CastVote', actionId, { voter, voterIdentities: [], decision: 'approve', via: 'api', ...(standing ? { standing } : {}) });
const TERMS = { resource: 'prod/**', when: 'params.rows <= 10000', maxUses: 2, ttlSeconds: 600 };
const types = (events: ActionEvent[]) => events.map((e) => e.type);

describe('standing approvals through the router', () => {
  it('grants one when an approval offers it, then approves matching proposals up to its uses, each one a command between streams', () => {
    const { router, deliver } = harness();
    const first = deliver(proposal('a1', 'prod/customers', { rows: 10 }));
    assert.deepEqual(types(first.events), ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested']);
    assert.deepEqual(first.sent.map((s) => [s.key, s.command.type]), [[LEDGER, 'UseStandingApproval']]);
    assert.ok(first.sent.every((s) => validateCommand(s.command).ok));
    assert.deepEqual(deliver(first.sent[0].command).events, [], 'no standing approval yet: the action waits for people');

    const approved = deliver(approve('a1', 'alice', TERMS));
    assert.deepEqual(types(approved.events), ['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(approved.sent.map((s) => [s.key, s.command.type]), [[LEDGER, 'GrantStandingApproval']]);
    const granted = deliver(approved.sent[0].command);
    assert.deepEqual(types(granted.events), ['StandingApprovalGranted']);
    assert.equal(granted.events[0].streamId, LEDGER);

    for (const [id, use] of [['a2', 1], ['a3', 2]] as const) {
      const asked = deliver(proposal(id, 'prod/orders', { rows: 500 }));
      const used = deliver(asked.sent[0].command);
      assert.deepEqual(types(used.events), ['StandingApprovalUsed']);
      assert.deepEqual(used.sent.map((s) => [s.key, s.command.type]), [[id, 'ApproveUnderStanding']]);
      const done = deliver(used.sent[0].command);
      assert.deepEqual(types(done.events), ['ActionApproved']);
      const data = done.events[0].data as { approvers: string[]; standing: { id: string; use: number } };
      assert.deepEqual([data.approvers, data.standing.id, data.standing.use], [['alice'], standingApprovalId('a1'), use]);
    }
    const fourth = deliver(proposal('a4', 'prod/orders', { rows: 500 }));
    assert.deepEqual(deliver(fourth.sent[0].command).events, [], 'its uses are spent');
    router.onApplicationShutdown();
  });

  it('leaves a proposal its glob or condition does not cover pending', () => {
    const { router, deliver } = harness();
    deliver(proposal('a1', 'prod/customers', { rows: 1 }));
    const approved = deliver(approve('a1', 'alice', TERMS));
    deliver(approved.sent[0].command);
    for (const [resource, rows] of [['staging/orders', 1], ['prod/orders', 20_000]] as const) {
      const asked = deliver(proposal(`x-${resource}-${rows}`, resource, { rows }));
      assert.deepEqual(deliver(asked.sent[0].command).events, []);
    }
    const noRows = deliver(proposal('x-norows', 'prod/orders', { format: 'csv' }));
    assert.deepEqual(deliver(noRows.sent[0].command).events, [], 'a condition that cannot be evaluated never matches');
    router.onApplicationShutdown();
  });

  it('asks no ledger under a rule without standing approvals', () => {
    const { router, deliver } = harness();
    const { standing: _s, ...plain } = RULE;
    assert.deepEqual(deliver(proposal('p1', 'prod/customers', { rows: 1 }, plain)).sent, []);
    router.onApplicationShutdown();
  });

  it('writes the ledger its own head, which a router taking the partition loads and decides on as before', () => {
    const { router, deliver, heads, tick } = harness();
    deliver(proposal('a1', 'prod/customers', { rows: 10 }));
    deliver(deliver(approve('a1', 'alice', TERMS)).sent[0].command);
    const ledgerHead = heads.filter((h) => h.key === LEDGER).at(-1);
    assert.ok(ledgerHead);
    const decoded = decodeHead(ledgerHead.value);
    assert.ok(decoded.ok && decoded.head.ledger, decoded.ok ? '' : decoded.error);
    const table = new StreamTable();
    table.load(LEDGER, decoded.head, 0);
    assert.deepEqual(table.census(), { full: 0, settled: 0, ledgers: 1 });
    const asked = deliver(proposal('a2', 'prod/orders', { rows: 1 }));
    tick(1000);
    const { events } = table.decideBatch([{ command: asked.sent[0].command, partition: 0 }], () => ({
      now: new Date(T0 + 1000), directory: { principals }, newId: () => 'e-1', standing: { resourceMatches: () => true, holds: () => true },
    }));
    assert.deepEqual(types(events), ['StandingApprovalUsed']);
    assert.equal(events[0].seq, 2);
    router.onApplicationShutdown();
  });

  it('given the events of a ledger replayed (no heads), then it is held as a ledger and its head written as one', () => {
    const { router, deliver } = harness();
    deliver(proposal('a1', 'prod/customers', { rows: 10 }));
    const granted = deliver(deliver(approve('a1', 'alice', TERMS)).sent[0].command).events;
    const asked = deliver(proposal('a2', 'prod/orders', { rows: 1 }));
    const used = deliver(asked.sent[0].command).events;
    const table = new StreamTable();
    for (const event of [...granted, ...used]) assert.equal(table.apply(event, 0), undefined);
    const [head] = table.settleReplayed(0);
    const decoded = decodeHead(head.value);
    assert.ok(decoded.ok && decoded.head.ledger && decoded.head.ledger.kind === 'ledger');
    assert.equal(decoded.head.seq, 2);
    assert.equal(decoded.head.ledger.approvals[standingApprovalId('a1')].uses, 1);
    router.onApplicationShutdown();
  });

  it('refuses a malformed ledger head by field', () => {
    const bad = decodeHead({ v: 1, seq: 1, hash: 'a'.repeat(64), ledger: { kind: 'ledger', approvals: { x: { granted: { standingId: 'y' } } } } });
    assert.deepEqual(bad, { ok: false, error: 'head.ledger.approvals.x.granted.standingId must be its key' });
  });
});
