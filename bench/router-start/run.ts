/**
 * What a router start and a partition hand-over cost with many decided actions in the log, against
 * an empty log, in one run; on Kafka (six partitions) and on the embedded file log.
 *   npm run bench:router-start            (BENCH_ACTIONS, default 200000; BENCH_FILE_ACTIONS, default 50000,
 *                                          0 for no file log; BENCH_REPLAY=0 skips the replay baseline,
 *                                          which takes longest of all with a million actions)
 * Decided actions are generated as the router writes them (testing/decided-actions.ts: six sealed
 * events each, and the compact head) and produced straight onto the topics with kafkajs sendBatch,
 * no compression. For each log it measures: start (all partitions), hand-over (one partition, on
 * a second router), the same reading the events the way routers did before heads (replay), and the
 * heap after start (after a GC). It prints ratios against the empty log and against replay.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { TOPICS, validateEvent } from '@countersign/contracts';
import { createFileEventLog, createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { ApprovalRouter, StreamTable } from '@countersign/service-approval-router';
import { decidedAction, DECIDED_DIRECTORY } from '@countersign/service-approval-router/testing';

Logger.overrideLogger(['error']);
const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 200_000);
const FILE_ACTIONS = Math.min(ACTIONS, Number(process.env.BENCH_FILE_ACTIONS ?? 50_000));
const BROKERS = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const PARTITIONS = [0, 1, 2, 3, 4, 5];
const DECIDED_AT = new Date('2026-01-01T00:00:00.000Z');
const CHUNK = 1000;
const REPLAY = process.env.BENCH_REPLAY !== '0';

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
};
const ms = async (work: () => Promise<unknown>) => {
  const t = performance.now();
  await work();
  return Math.round(performance.now() - t);
};

function routerOver(log: EventLog): ApprovalRouter {
  return new ApprovalRouter(log, { snapshot: () => DECIDED_DIRECTORY } as unknown as Directory, { now: () => new Date() }, { next: () => 'x' }, { version: 'pv-1' });
}

/** Generates `count` decided actions in chunks and hands each chunk's records to `sink`. */
async function generate(count: number, prefix: string, sink: (events: Rec[], heads: Rec[]) => Promise<void>) {
  const sizes = { events: 0, heads: 0, eventBytes: 0, headBytes: 0 };
  for (let from = 0; from < count; from += CHUNK) {
    const events: Rec[] = [];
    const heads: Rec[] = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i += 1) {
      const action = decidedAction(prefix, i, DECIDED_AT);
      for (const e of action.events) events.push({ key: action.actionId, value: e });
      heads.push({ key: action.actionId, value: action.head });
    }
    sizes.events += events.length;
    sizes.heads += heads.length;
    sizes.eventBytes += events.reduce((s, r) => s + JSON.stringify(r.value).length, 0);
    sizes.headBytes += heads.reduce((s, r) => s + JSON.stringify(r.value).length, 0);
    await sink(events, heads);
  }
  return sizes;
}
type Rec = { key: string; value: unknown };

/** The router's start before heads: every event of every owned partition, folded. */
async function replayEvents(log: EventLog, partitions: number[]): Promise<number> {
  const table = new StreamTable();
  for (const p of partitions) {
    await log.readPartition(TOPICS.events, p, (records) => {
      for (const r of records) {
        const check = validateEvent(r.value);
        if (check.ok) table.apply(check.value, p);
      }
    });
  }
  return table.size;
}

async function measure(log: EventLog, partitions: number[]) {
  const before = heapMb();
  const router = routerOver(log);
  const start = await ms(() => router.replay(partitions));
  const heap = heapMb() - before;
  const second = routerOver(log);
  const handOver = await ms(() => second.replay([partitions[0]]));
  router.onApplicationShutdown();
  second.onApplicationShutdown();
  const replay = REPLAY ? await ms(() => replayEvents(log, partitions)) : NaN;
  return { start, handOver, replay, heap };
}

const rows: string[] = [];
const report = (line: string) => {
  rows.push(line);
  console.log(line);
};

// Kafka: an empty namespace and one with ACTIONS decided actions, same broker, same run.
const kafka = await createKafkaEventLog({ brokers: BROKERS, clientId: 'bench-router-start', log: () => undefined });
const run = `bench-rs-${Date.now()}`;
const topicsOf = (ns: string) => Object.values(TOPICS).map((t) => `${ns}.${t}`);
const producer = new Kafka({ brokers: BROKERS, clientId: 'bench-router-start-gen', logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
try {
  await producer.connect();
  for (const topic of [...topicsOf(`${run}-empty`), ...topicsOf(`${run}-full`)]) await kafka.ensureTopics([topic]);
  const empty = await measure(namespacedEventLog(kafka, `${run}-empty`), PARTITIONS);
  const genStarted = performance.now();
  const sizes = await generate(ACTIONS, 'bench', async (events, heads) => {
    const encode = (rs: Rec[]) => rs.map((r) => ({ key: r.key, value: JSON.stringify(r.value) }));
    await producer.sendBatch({ acks: -1, topicMessages: [
      { topic: `${run}-full.${TOPICS.events}`, messages: encode(events) },
      { topic: `${run}-full.${TOPICS.heads}`, messages: encode(heads) },
    ] });
  });
  const genSeconds = Math.round((performance.now() - genStarted) / 1000);
  const full = await measure(namespacedEventLog(kafka, `${run}-full`), PARTITIONS);
  report(`kafka: generated ${ACTIONS} decided actions (${sizes.events} events, ${Math.round(sizes.eventBytes / 1e6)} MB; ${sizes.heads} heads, ${Math.round(sizes.headBytes / 1e6)} MB) in ${genSeconds} s`);
  report(`kafka empty log:   start ${empty.start} ms, hand-over ${empty.handOver} ms, heap after start +${empty.heap} MB`);
  report(`kafka ${ACTIONS}: start ${full.start} ms (${(full.start / Math.max(1, empty.start)).toFixed(1)} x empty), hand-over ${full.handOver} ms (${(full.handOver / Math.max(1, empty.handOver)).toFixed(1)} x empty), heap after start +${full.heap} MB (${Math.round((full.heap * 1e6) / ACTIONS)} B/action)`);
  if (REPLAY) report(`kafka ${ACTIONS}: replaying the events instead (before heads) ${full.replay} ms: heads start = ${(full.start / full.replay).toFixed(3)} x replay`);
  report(`heads per decision: ${Math.round(sizes.headBytes / sizes.heads)} B against ${Math.round(sizes.eventBytes / sizes.heads)} B of events (${((100 * sizes.headBytes) / sizes.eventBytes).toFixed(1)} % more bytes per transaction for a settled head)`);
} finally {
  await producer.disconnect();
  const admin = new Kafka({ brokers: BROKERS, clientId: 'bench-router-start-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...topicsOf(`${run}-empty`), ...topicsOf(`${run}-full`)] }).catch(() => undefined);
  await admin.disconnect();
  await kafka.close();
}

// The file log: one partition, no compaction (the last head per key wins on reading).
for (const count of FILE_ACTIONS > 0 ? [0, FILE_ACTIONS] : []) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-router-start-'));
  try {
    let log = await createFileEventLog({ dir, log: () => undefined });
    await generate(count, 'file', async (events, heads) => {
      await log.append(TOPICS.events, events);
      await log.append(TOPICS.heads, heads);
    });
    await log.close();
    const open = await ms(async () => (log = await createFileEventLog({ dir, log: () => undefined })));
    const m = await measure(log, [0]);
    report(`file log ${count}: open ${open} ms; router start ${m.start} ms, hand-over ${m.handOver} ms` + (REPLAY ? `, replaying the events instead ${m.replay} ms` : '') +
      (count > 0 && REPLAY ? ` (heads start = ${(m.start / m.replay).toFixed(3)} x replay)` : '') + `; heap after start +${m.heap} MB`);
    await log.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(`\n${rows.join('\n')}`);
