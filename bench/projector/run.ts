/**
 * bench/projector, in one run:
 *   a. raw bulk write (driver insertMany/bulkWrite) of exactly the documents the projector
 *      writes, to the local MongoDB-wire server, same collections and indexes → docs/s (baseline);
 *   b. the projector (the service's Projector class, the Mongo read-model adapter) projecting
 *      the same events to the same server → events/s, its time against (a), per-stage timings;
 *   c. rebuild into the in-memory read model → events/s (target ≥ 25,000/s), and the embedded
 *      default's start time over a log of N decided proposals against an empty log.
 *   npm run bench:projector
 * Env: COUNTERSIGN_MONGO_URL (mongodb://127.0.0.1:27018/), BENCH_ACTIONS (3000), BENCH_BATCH (500),
 * BENCH_LAG (250), BENCH_REBUILD_ACTIONS (20000), BENCH_START_PROPOSALS (20000; 0 skips the start),
 * BENCH_BASELINE_CHECKOUT (a checkout with node_modules whose rebuild and start to compare with).
 */
import { cpus, totalmem } from 'node:os';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { COLLECTIONS } from '@countersign/audit';
import { validateEvent, type ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore, createMongoReadModelStore } from '@countersign/readmodel';
import { Projector } from '@countersign/service-audit-projector';
import { removeDir, seededDataDir, startSeconds } from './embedded-start.ts';
import { batchesOf, logOf } from './events.ts';
import { rawBulkWrite, writesOf } from './raw-write.ts';

const url = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 3000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const LAG = Number(process.env.BENCH_LAG ?? 250);
const REBUILD_ACTIONS = Number(process.env.BENCH_REBUILD_ACTIONS ?? 20000);
const START_PROPOSALS = Number(process.env.BENCH_START_PROPOSALS ?? 20000);
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const database = () => `bench_projector_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
const server = await serverName(url);
const records = logOf(ACTIONS, LAG);
const batches = batchesOf(records, BATCH);
console.log(`events: ${n0(records.length)} (${n0(ACTIONS)} auto-allowed actions × 3, ~1 KB proposals), batches of ${BATCH}, decisions ${LAG} proposals late; server ${server} at ${url}`);

// a. The baseline.
const writes = await writesOf(batches);
const raw = await rawBulkWrite(url, database(), writes);
const rawDocsPerSecond = raw.docs / raw.seconds;
const rawEventsPerSecond = records.length / raw.seconds;
console.log(`a. raw bulk write of the projector's ${n0(raw.docs)} documents: ${raw.seconds.toFixed(2)} s = ${n0(rawDocsPerSecond)} docs/s (= ${n0(rawEventsPerSecond)} events/s of input)`);

// b. The projector, same events, same server.
{
  const db = database();
  const store = await createMongoReadModelStore({ url, database: db });
  const projector = new Projector({ store, now: () => new Date(), warn: (m) => console.warn(m) });
  const events = batches.map((batch) => batch.map((r) => r.value as ActionEvent));
  try {
    const started = performance.now();
    for (let i = 0; i < batches.length; i += 1) await projector.projectEvents(events[i], batches[i]);
    const seconds = (performance.now() - started) / 1000;
    const perSecond = records.length / seconds;
    const stored = await store.collection(COLLECTIONS.audit).count({});
    if (stored !== records.length) throw new Error(`projected ${stored} audit rows, expected ${records.length}`);
    const { load, fold, write } = projector.stages;
    console.log(`b. projector into ${server}: ${seconds.toFixed(2)} s = ${n0(perSecond)} events/s; ratio to raw bulk write ${(perSecond / rawEventsPerSecond).toFixed(2)} (target ≥ 0.5)`);
    console.log(`   stages: load views ${n0(load)} ms, fold ${n0(fold)} ms, write ${n0(write)} ms (raw write of the same documents ${n0(raw.seconds * 1000)} ms); rest (checkpoints) ${n0(seconds * 1000 - load - fold - write)} ms`);
  } finally {
    const conn = await mongoose.createConnection(url, { dbName: db }).asPromise();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await store.close();
  }
}

// c. Rebuild into memory: what the embedded default does at every start (validation included).
// With BENCH_BASELINE_CHECKOUT (another checkout, e.g. `git archive` of the commit before), its
// projector and memory store rebuild the same log in the same run, for a ratio.
type ProjectorLike = { projectEvents(events: ActionEvent[], records: DeliveredRecord[]): Promise<unknown>; stages?: Record<string, number> };
async function rebuildRate(label: string, make: () => ProjectorLike, log: DeliveredRecord[][]): Promise<number> {
  const events = log.reduce((n, b) => n + b.length, 0);
  const projector = make();
  let validate = 0;
  const started = performance.now();
  for (const batch of log) {
    const v = performance.now();
    for (const r of batch) validateEvent(r.value);
    validate += performance.now() - v;
    await projector.projectEvents(batch.map((r) => r.value as ActionEvent), batch);
  }
  const seconds = (performance.now() - started) / 1000;
  const stages = projector.stages ? `, load views ${n0(projector.stages.load)} ms, fold ${n0(projector.stages.fold)} ms, write ${n0(projector.stages.write)} ms` : '';
  console.log(`c. rebuild into memory (${label}): ${n0(events)} events in ${seconds.toFixed(2)} s = ${n0(events / seconds)} events/s (target ≥ 25,000/s)`);
  console.log(`   stages: validate ${n0(validate)} ms${stages}`);
  return events / seconds;
}
const BASELINE = process.env.BENCH_BASELINE_CHECKOUT;
{
  const log = batchesOf(logOf(REBUILD_ACTIONS, LAG), BATCH);
  const warn = (m: string) => console.warn(m);
  const after = await rebuildRate('this checkout', () => new Projector({ store: createMemoryReadModelStore(), now: () => new Date(), warn }), log);
  if (BASELINE) {
    const old = await import(`${BASELINE}/libs/services/audit-projector/src/projector.ts`) as { Projector: new (deps: unknown) => ProjectorLike };
    const oldMemory = await import(`${BASELINE}/libs/platform/readmodel/src/memory-read-model.ts`) as { createMemoryReadModelStore: () => unknown };
    const before = await rebuildRate(`baseline ${BASELINE}`, () => new old.Projector({ store: oldMemory.createMemoryReadModelStore(), now: () => new Date(), warn }), log);
    console.log(`   this checkout / baseline: ${(after / before).toFixed(2)} ×`);
  }
}

if (START_PROPOSALS > 0) {
  const empty = await seededDataDir(0);
  const full = await seededDataDir(START_PROPOSALS);
  try {
    for (const [label, cwd] of [['this checkout', process.cwd()], ...(BASELINE ? [[`baseline ${BASELINE}`, BASELINE]] : [])]) {
      const emptySeconds = await startSeconds(empty, 18601, cwd);
      const fullSeconds = await startSeconds(full, 18602, cwd);
      console.log(`c. embedded default start (${label}, to /readyz 200): empty log ${emptySeconds.toFixed(2)} s; after ${n0(START_PROPOSALS)} proposals (${n0(START_PROPOSALS * 3)} events) ${fullSeconds.toFixed(2)} s; ` +
        `history costs ${(fullSeconds - emptySeconds).toFixed(2)} s = ${n0((START_PROPOSALS * 3) / Math.max(0.001, fullSeconds - emptySeconds))} events/s`);
    }
  } finally {
    await removeDir(empty);
    await removeDir(full);
  }
}
process.exit(0);

async function serverName(at: string): Promise<string> {
  const conn = await mongoose.createConnection(at, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const info = (await conn.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
  } finally {
    await conn.close();
  }
}
