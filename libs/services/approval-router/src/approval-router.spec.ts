import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentHash, POLICY_PUBLISH_ACTION, POLICY_STREAM_KEY, TOPICS, type CommandRefused,
  type ActionCommand, type ActionEvent, type ApprovalRequirement, type CommandDataByType, type CommandType,
} from '@countersign/contracts';
import type { BatchContext, DeliveredRecord, EventLog, LogRecord } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { LogContext } from '@countersign/messaging';
import { ApprovalRouter } from './approval-router.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const ACTION = 'act-1';
const principals = {
  rita: { kind: 'human' as const, groups: ['sre'] },
  alice: { kind: 'human' as const, groups: ['sre'] },
  lena: { kind: 'human' as const, groups: ['leads'] },
};
const files = [{ path: 'policies/a.yaml', text: 'rules: []\n' }];
const SEED = 'a'.repeat(64);
const publication = { version: contentHash(files), files, previousVersion: SEED };

/** The router over a log that only records: batches are handed to it by hand, as the transport would. */
function harness(clock = { now: () => new Date() }) {
  const appended: Array<{ topic: string; records: readonly LogRecord[] }> = [];
  const log = {
    readPartition: async () => undefined,
    lastRecord: async () => undefined,
    readAll: async () => undefined,
    append: async (topic: string, records: readonly LogRecord[]) => void appended.push({ topic, records }),
  } as unknown as EventLog;
  const directory = { snapshot: () => ({ principals }) } as unknown as Directory;
  let nextId = 0;
  const router = new ApprovalRouter(log, directory, clock, { next: () => `id-${++nextId}` }, { version: SEED });

  /** Delivers commands as one batch and commits it; returns what the batch staged, by topic. */
  async function deliver(...commands: ActionCommand[]) {
    const staged: Array<{ topic: string; records: readonly LogRecord[] }> = [];
    const committed: Array<() => void> = [];
    const context: BatchContext = { append: (topic, records) => void staged.push({ topic, records }), afterCommit: (c) => void committed.push(c) };
    const records: DeliveredRecord[] = commands.map((value, i) => ({
      topic: TOPICS.commands, key: ACTION, offset: String(i), partition: 0, raw: JSON.stringify(value), value,
    }));
    router.decide(records.map((record) => ({ record, message: record.value as ActionCommand })), new LogContext(context, undefined, 'approval-router'));
    for (const callback of committed) callback();
    const on = (topic: string) => staged.filter((s) => s.topic === topic).flatMap((s) => s.records);
    return { events: on(TOPICS.events).map((r) => r.value as ActionEvent), policies: on(TOPICS.policies), proposals: on(TOPICS.proposals), security: on(TOPICS.security).map((r) => r.value as CommandRefused) };
  }

  /** The transport dead-lettered `command`: what the router stages in the same commit. */
  function deadLettered(command: ActionCommand, reason: string) {
    const staged: LogRecord[] = [];
    const committed: Array<() => void> = [];
    const heads: LogRecord[] = [];
    const context: BatchContext = { append: (topic, records) => void (topic === TOPICS.heads ? heads : staged).push(...records), afterCommit: (c) => void committed.push(c) };
    const record: DeliveredRecord = { topic: TOPICS.commands, key: ACTION, offset: '99', partition: 0, raw: JSON.stringify(command), value: command };
    router.rejectUnprocessable({ record, message: command, reason }, new LogContext(context, record, 'approval-router'));
    for (const callback of committed) callback();
    // The stream's new head goes with the events, in the same commit.
    assert.deepEqual(heads.map((h) => [h.key, (h.value as { seq: number }).seq]), staged.length > 0 ? [[ACTION, (staged.at(-1)!.value as ActionEvent).seq]] : []);
    return staged.map((r) => r.value as ActionEvent);
  }
  return { router, deliver, appended, deadLettered };
}

function command<K extends CommandType>(type: K, data: CommandDataByType[K]): ActionCommand {
  const id = `${type}-${Math.random().toString(36).slice(2)}`;
  return { id, type, actionId: ACTION, issuedAt: new Date().toISOString(), actor: { id: 'gateway', kind: 'service' }, correlationId: ACTION, data } as ActionCommand;
}
const propose = (action: string, params: Record<string, unknown>) => command('ProposeAction', {
  action, resource: 'policy-set', params, paramsHash: contentHash(params), requestHash: contentHash({ params }),
  requester: { id: 'rita', kind: 'human', identities: [] },
});
/** A proposal as the evaluator hands it over: with a require_approval evaluation. */
const proposedForApproval = (action: string, params: Record<string, unknown>, extra: Partial<ApprovalRequirement> = {}) => {
  const proposal = propose(action, params) as Extract<ActionCommand, { type: 'ProposeAction' }>;
  return command('RecordProposal', {
    proposal: proposal.data,
    evaluation: {
      outcome: 'require_approval', policyVersion: 'pv-1', matchedRules: ['r'], rule: 'r', reason: 'r',
      approval: { groups: ['sre'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 3600, ...extra },
    },
  });
};
const approve = (voter: string) => command('CastVote', { voter, voterIdentities: [], decision: 'approve', via: 'api' });

describe('approval router', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('given a proposal on the commands topic (an older gateway), then it goes to the proposals topic for evaluation, deciding nothing', async () => {
    const { router, deliver } = harness();
    await router.replay([0]);
    const proposal = propose('data.export', { table: 't' });
    const { events, proposals } = await deliver(proposal);
    assert.deepEqual(events, []);
    assert.deepEqual(proposals, [{ key: ACTION, value: proposal }]);
  });

  it('given an approved policy publication, then its PolicyPublished also goes to the policies topic, in the same batch', async () => {
    const { router, deliver } = harness();
    await router.replay([0]);
    const { events, policies } = await deliver(proposedForApproval(POLICY_PUBLISH_ACTION, publication), approve('alice'));
    const published = events.filter((e) => e.type === 'PolicyPublished');
    assert.equal(published.length, 1);
    assert.deepEqual(policies, [{ key: POLICY_STREAM_KEY, value: published[0] }]);
    assert.equal(policies[0].value, published[0], 'the same sealed event, not a copy');
    router.onApplicationShutdown();
  });

  it('given a publication another instance made, when a proposal made against the older version is approved, then it is denied, not published', async () => {
    const { router, deliver } = harness();
    await router.replay([0]);
    router.published({ id: 'e-other', type: 'PolicyPublished', occurredAt: new Date(T0 - 1000).toISOString(), data: { version: 'b'.repeat(64) } } as unknown as ActionEvent);
    const { events, policies } = await deliver(proposedForApproval(POLICY_PUBLISH_ACTION, publication), approve('alice'));
    const denied = events.find((e) => e.type === 'ActionDenied');
    assert.match((denied?.data as { reason: string }).reason, new RegExp(`proposed against ${SEED} but ${'b'.repeat(64)} is in force`));
    assert.deepEqual(policies, []);
    router.onApplicationShutdown();
  });

  it('given a vote by someone with no part in the action, then the chain does not grow: the refusal goes to the security topic', async () => {
    const { router, deliver } = harness();
    await router.replay([0]);
    await deliver(proposedForApproval('data.export', { table: 't' }));
    const { events, security } = await deliver(approve('mallory'));
    assert.deepEqual(events, []);
    assert.deepEqual(security.map((r) => [r.type, r.author, r.kind, r.code]), [['CommandRefused', 'mallory', 'outsider', 'not_eligible']]);
    router.onApplicationShutdown();
  });

  it('given a command the transport dead-lettered, then the action says it could not be processed, once', async () => {
    const { router, deliver, deadLettered } = harness();
    await router.replay([0]);
    await deliver(proposedForApproval('data.export', { table: 't' }));
    const events = deadLettered(approve('alice'), 'failed 3 times: boom');
    assert.deepEqual(events.map((e) => [e.type, (e.data as { code: string }).code, e.seq]), [['CommandRejected', 'unprocessable', 4]]);
    assert.match((events[0].data as { reason: string }).reason, /dead-lettered: failed 3 times: boom/);
    assert.deepEqual(deadLettered(approve('bob'), 'x').map((e) => e.seq), [5], 'the table moved past it');
    router.onApplicationShutdown();
  });

  it('given any other action approved, then nothing goes to the policies topic', async () => {
    const { router, deliver } = harness();
    await router.replay([0]);
    const { events, policies } = await deliver(proposedForApproval('data.export', { table: 't' }), approve('alice'));
    assert.ok(events.some((e) => e.type === 'ActionApproved'));
    assert.deepEqual(policies, []);
    router.onApplicationShutdown();
  });

  it('given a request that escalates, then the router queues the escalation at its time, and the expiry after it', async () => {
    const { router, deliver, appended } = harness();
    await router.replay([0]);
    await deliver(proposedForApproval('data.export', { table: 't' }, { quorum: 2, escalation: { afterSeconds: 900, groups: ['leads'] } }));
    mock.timers.tick(899_999);
    assert.equal(appended.length, 0);
    mock.timers.tick(1);
    await Promise.resolve();
    const queued = appended.flatMap((a) => a.records.map((r) => r.value as ActionCommand));
    assert.deepEqual(queued.map((c) => [c.type, c.data]), [['EscalateApproval', { at: new Date(T0 + 900_000).toISOString() }]]);

    const { events } = await deliver(queued[0]);
    assert.deepEqual(events.map((e) => e.type), ['ApprovalEscalated']);
    mock.timers.tick(2_700_000);
    await Promise.resolve();
    const next = appended.flatMap((a) => a.records.map((r) => r.value as ActionCommand)).slice(1);
    assert.deepEqual(next.map((c) => c.type), ['ExpireAction']);
    assert.deepEqual((await deliver(next[0])).events.map((e) => e.type), ['ActionExpired']);
    router.onApplicationShutdown();
  });

  it('given the clock set back after the escalation was armed, when the timer fires too early for it, then it is armed again, not lost', async () => {
    let setBack = 0;
    const { router, deliver, appended } = harness({ now: () => new Date(Date.now() - setBack) });
    await router.replay([0]);
    await deliver(proposedForApproval('data.export', { table: 't' }, { quorum: 2, escalation: { afterSeconds: 900, groups: ['leads'] } }));
    setBack = 10_000;
    mock.timers.tick(900_000);
    await Promise.resolve();
    const queued = () => appended.flatMap((a) => a.records.map((r) => r.value as ActionCommand));
    assert.deepEqual((await deliver(queued()[0])).events, [], 'by the clock, it is not time yet');
    mock.timers.tick(10_000);
    await Promise.resolve();
    assert.deepEqual(queued().map((c) => c.type), ['EscalateApproval', 'EscalateApproval']);
    assert.deepEqual((await deliver(queued()[1])).events.map((e) => e.type), ['ApprovalEscalated']);
    router.onApplicationShutdown();
  });
});
