/**
 * A router started over a log with many decided actions loads their heads, not their events, and
 * still answers late and duplicate commands as before: a re-proposal starts no second stream, a
 * late vote is refused in the chain (the voter was eligible), an outsider's goes to the security
 * topic, and after another restart the chain goes on unbroken. On Kafka and on the file log.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, verifyChain, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import { createFileEventLog, namespacedEventLog, type BatchContext, type DeliveredRecord, type EventLog, type LogRecord } from '@countersign/eventlog';
import { KafkaScope, requireBroker, unique } from '@countersign/eventlog/testing';
import type { Directory } from '@countersign/identity';
import { LogContext } from '@countersign/messaging';
import { ApprovalRouter } from './approval-router.ts';
import { decidedAction, DECIDED_DIRECTORY } from './testing/decided-actions.ts';

const ACTIONS = 3000;
const DECIDED_AT = new Date('2026-01-01T00:00:00.000Z');
const NOW = new Date('2026-02-01T00:00:00.000Z');

/** The real log, noting which topics were read whole (a partition or all of them). */
function noting(log: EventLog) {
  const read: string[] = [];
  const wrapped: EventLog = {
    ...log,
    readPartition: (topic, partition, onBatch) => (read.push(topic), log.readPartition(topic, partition, onBatch)),
    readAll: (topic, onBatch) => (read.push(topic), log.readAll(topic, onBatch)),
  };
  return { log: wrapped, read };
}

function routerOver(log: EventLog): ApprovalRouter {
  const directory = { snapshot: () => DECIDED_DIRECTORY } as unknown as Directory;
  let n = 0;
  return new ApprovalRouter(log, directory, { now: () => NOW }, { next: () => `router-id-${++n}` }, { version: 'pv-1' });
}

/** Hands `commands` to the router as one batch, as the transport would, and writes what it staged. */
async function decide(router: ApprovalRouter, log: EventLog, partitionOf: (key: string) => number, ...commands: ActionCommand[]) {
  const staged: Array<[string, readonly LogRecord[]]> = [];
  const committed: Array<() => void> = [];
  const context: BatchContext = { append: (topic, records) => void staged.push([topic, records]), afterCommit: (c) => void committed.push(c) };
  const records: DeliveredRecord[] = commands.map((value, i) => ({
    topic: TOPICS.commands, key: value.actionId, offset: String(i), partition: partitionOf(value.actionId), raw: JSON.stringify(value), value,
  }));
  router.decide(records.map((record) => ({ record, message: record.value as ActionCommand })), new LogContext(context, undefined, 'approval-router'));
  for (const [topic, out] of staged) await log.append(topic, out);
  for (const callback of committed) callback();
  const on = (topic: string) => staged.filter(([t]) => t === topic).flatMap(([, r]) => r.map((x) => x.value));
  return { events: on(TOPICS.events) as ActionEvent[], security: on(TOPICS.security) as Array<{ actionId: string; kind: string }> };
}

async function streamOf(log: EventLog, actionId: string, partitions: number[]): Promise<ActionEvent[]> {
  const events: ActionEvent[] = [];
  for (const p of partitions) await log.readPartition(TOPICS.events, p, (records) => void events.push(...records.filter((r) => r.key === actionId).map((r) => r.value as ActionEvent)));
  return events;
}

function suite(shape: string, open: () => Promise<{ log: EventLog; partitions: number[]; reopen: () => Promise<EventLog>; close: () => Promise<void> }>) {
  describe(`a router restarted over ${ACTIONS} decided actions (${shape})`, () => {
    let fixture: Awaited<ReturnType<typeof open>>;
    const prefix = unique('decided');
    const actions = Array.from({ length: ACTIONS }, (_, i) => decidedAction(prefix, i, DECIDED_AT));

    before(async () => {
      fixture = await open();
      // Written as routers would have: each action's events, then its head (in chunks, like batches).
      for (let i = 0; i < ACTIONS; i += 500) {
        const chunk = actions.slice(i, i + 500);
        await fixture.log.append(TOPICS.events, chunk.flatMap((a) => a.events.map((e) => ({ key: a.actionId, value: e }))));
        await fixture.log.append(TOPICS.heads, chunk.map((a) => ({ key: a.actionId, value: a.head })));
      }
    });
    after(() => fixture.close());

    it('given many decided actions, when a router starts, then it loads their heads, not their events', async () => {
      const { log, read } = noting(fixture.log);
      const router = routerOver(log);
      await router.replay(fixture.partitions);
      assert.deepEqual(read.filter((t) => t === TOPICS.events), [], 'no events partition was replayed');
      assert.equal(read.filter((t) => t === TOPICS.heads).length, fixture.partitions.length);
      router.onApplicationShutdown();
    });

    it('given the same router, when a duplicate proposal, a late vote and an outsider vote arrive, then no second stream starts and the refusals go where rule 3 says', async () => {
      const router = routerOver(fixture.log);
      await router.replay(fixture.partitions);
      const partitionOf = await partitionsByKey(fixture.log, fixture.partitions, [actions[7], actions[8], actions[9]].map((a) => a.actionId));
      const late = vote(actions[8].actionId, 'bob', 'late');
      const { events, security } = await decide(router, fixture.log, partitionOf, actions[7].proposal, late, vote(actions[9].actionId, 'zed', 'outsider'));
      assert.deepEqual(events.map((e) => [e.streamId, e.type, e.seq, (e.data as { code?: string }).code]), [[actions[8].actionId, 'CommandRejected', 7, 'already_decided']]);
      assert.deepEqual(security.map((s) => [s.actionId, s.kind]), [[actions[9].actionId, 'outsider']]);
      router.onApplicationShutdown();

      // Restarted again: the new head is loaded, the same vote again changes nothing, the chain is whole.
      const reopened = await fixture.reopen();
      const { log, read } = noting(reopened);
      const again = routerOver(log);
      await again.replay(fixture.partitions);
      assert.deepEqual(read.filter((t) => t === TOPICS.events), []);
      assert.deepEqual((await decide(again, reopened, partitionOf, late)).events, []);
      const stream = await streamOf(reopened, actions[8].actionId, fixture.partitions);
      assert.deepEqual(stream.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(verifyChain(stream).ok, true);
      assert.equal((await streamOf(reopened, actions[7].actionId, fixture.partitions)).length, 6, 'the re-proposal started nothing');
      again.onApplicationShutdown();
    });
  });
}

function vote(actionId: string, voter: string, tag: string): ActionCommand {
  return {
    id: `${actionId}-${tag}`, type: 'CastVote', actionId, issuedAt: NOW.toISOString(), correlationId: actionId, actor: { id: 'gateway', kind: 'service' },
    data: { voter, voterIdentities: [], decision: 'approve', via: 'api' },
  } as ActionCommand;
}

/** Which partition each key's events are on (as the producer's partitioner put them). */
async function partitionsByKey(log: EventLog, partitions: number[], keys: string[]): Promise<(key: string) => number> {
  const found = new Map<string, number>();
  for (const p of partitions) await log.readPartition(TOPICS.heads, p, (records) => records.forEach((r) => keys.includes(r.key) && found.set(r.key, r.partition)));
  return (key) => found.get(key)!;
}

suite('file log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'router-heads-'));
  let log = await createFileEventLog({ dir });
  return {
    log, partitions: [0],
    reopen: async () => {
      await log.close();
      log = await createFileEventLog({ dir });
      return log;
    },
    close: async () => {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

if (process.env.COUNTERSIGN_KAFKA_BROKERS) {
  suite('Kafka', async () => {
    await requireBroker();
    const scope = new KafkaScope();
    const namespace = unique('heads');
    const kafka = await scope.open();
    // Created up front, as the shell does at start.
    await kafka.ensureTopics(Object.values(TOPICS).map((t) => `${namespace}.${t}`));
    const log = namespacedEventLog(kafka, namespace);
    return {
      log, partitions: [0, 1, 2, 3, 4, 5],
      reopen: async () => log,
      close: () => scope.cleanup(),
    };
  });
}
