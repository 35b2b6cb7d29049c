/**
 * bench/pipeline: does a routine action run at machine speed? In one run, on one broker:
 *   1. raw kafkajs produce+consume of 1 KB messages — the baseline every ratio is read against;
 *   2. auto-allowed proposals written straight to the log (the proposals topic when the contracts
 *      have one, else the commands topic) of all five services in one process, decisions watched
 *      on the events topic: throughput, ratio to raw, p50/p99 at half that rate;
 *   3. the same through to the read model in MongoDB (FerretDB locally);
 *   4. the five-process shape (gateway, policy evaluator, approval router, notifier, audit
 *      projector) under open-loop HTTP load: POST /v1/actions at constant rates, stepped up to the
 *      highest rate whose p99 stays under 100 ms with every proposal decided (no 202s, no errors),
 *      then p50/p99 at half that rate for longer, per-stage timings read from the log (gateway →
 *      evaluator → router → answer), and a raw kafkajs produce→consume round trip at that rate.
 * Everything runs in fresh namespaces on the local Kafka (127.0.0.1:19092) and FerretDB
 * (mongodb://127.0.0.1:27018/), which must be running; what it starts it stops and deletes.
 *   BENCH_QUICK=1 node --import tsx bench/pipeline/run.ts     (< 3 min)   npm run bench:pipeline (~10 min)
 * Env (full / quick): BENCH_PARTS (raw,log,mongo,http), BENCH_MESSAGES (20000), BENCH_PROPOSALS
 * (3000 / 1000), BENCH_LATENCY_SAMPLES (500 / 200), BENCH_MONGO_PROPOSALS (500 / 60),
 * BENCH_MONGO_SAMPLES (200 / 20), BENCH_HTTP_RATES (10,20,50,100,200,400,800), BENCH_HTTP_STEP_SECONDS
 * (6 / 3), BENCH_HTTP_SEARCH_SECONDS (150 / 45), BENCH_HTTP_P99_MS (100), BENCH_HTTP_HOLD_SECONDS
 * (60 / 15), BENCH_RTT_SECONDS (30 / 8), BENCH_START_SECONDS (180), BENCH_HTTP_SOCKETS (512 / 256), BENCH_HTTP_DRAIN_SECONDS (90 / 40).
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import mongoose from 'mongoose';
import { watchDecisions } from './decisions-watch.ts';
import { httpBench } from './http-bench.ts';
import { KNOBS } from './knobs.ts';
import { measure, startPipeline, type Pipeline } from './pipeline.ts';
import { PROPOSALS_TOPIC } from './proposals.ts';
import { rawKafkaThroughput } from './raw-kafka.ts';

const { brokers, mongoUrl, partitions: PARTITIONS } = KNOBS;
// Interrupted: exit through 'exit', whose handlers kill every process this bench started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
const fmt = (n: number) => n.toFixed(1);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, node ${process.version}; ` +
  `load average ${load()}; ${new Date().toISOString()}; ${KNOBS.quick ? 'quick' : 'full'} run, parts ${[...KNOBS.parts].join(',')}`);
const raw = await rawKafkaThroughput(brokers, KNOBS.messages, KNOBS.size, PARTITIONS);
console.log(`1. raw kafkajs produce+consume, 1 KB: ${raw.messages} in ${raw.seconds.toFixed(2)} s = ${raw.perSecond.toFixed(0)} msg/s`);

// 2. Kafka pipeline: decisions observed on the events topic.
if (KNOBS.parts.has('log')) {
  const pipeline: Pipeline = await startPipeline({ brokers, partitions: PARTITIONS });
  const watch = await watchDecisions(brokers, `${pipeline.namespace}.countersign.events`, (id, at) => pipeline.decided(id, at));
  try {
    const r = await measure(pipeline, KNOBS.proposals, KNOBS.samples, async () => undefined);
    console.log(`2. pipeline (one process) to the decision on the log, written to ${PROPOSALS_TOPIC}: ${KNOBS.proposals} in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} /s; ` +
      `ratio to raw ${(r.perSecond / raw.perSecond).toFixed(3)} (target ≥ 0.5)`);
    console.log(`   latency at ${r.rate.toFixed(0)}/s (half max), n=${r.latencies.length}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms (targets 10 / 30)`);
  } finally {
    await watch.stop();
    await pipeline.stop();
  }
}

// 3. Through to MongoDB: the decision is visible in the actions read model.
if (KNOBS.parts.has('mongo')) {
  const pipeline = await startPipeline({ brokers, partitions: PARTITIONS, mongoUrl });
  const db = await mongoose.createConnection(mongoUrl, { dbName: pipeline.namespace }).asPromise();
  const actions = db.collection('actions');
  const poll = async () => {
    const waiting = pipeline.outstanding();
    if (waiting.length === 0) return;
    const seen = await actions.find({ _id: { $in: waiting } as never, status: 'approved' }, { projection: { _id: 1 } }).toArray();
    const at = performance.now();
    for (const doc of seen) pipeline.decided(String(doc._id), at);
  };
  try {
    const r = await measure(pipeline, KNOBS.mongoProposals, KNOBS.mongoSamples, poll);
    console.log(`3. pipeline (one process) to the read model in MongoDB (${await serverName(db)}): ${KNOBS.mongoProposals} in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} /s; ` +
      `ratio to raw ${(r.perSecond / raw.perSecond).toFixed(4)}`);
    console.log(`   latency at ${r.rate.toFixed(0)}/s (half max), n=${r.latencies.length}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await pipeline.stop();
  }
}

if (KNOBS.parts.has('http')) await httpBench();
console.log(`done; load average ${load()}`);
process.exit(process.exitCode ?? 0);

async function serverName(db: mongoose.Connection): Promise<string> {
  const info = (await db.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}, wire ${info.version}` : `MongoDB ${info.version}`;
}
