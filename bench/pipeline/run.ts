/**
 * bench/pipeline, in one run on one broker:
 *   1. raw kafkajs produce+consume of 1 KB messages (the baseline);
 *   2. auto-allowed proposals through the Kafka pipeline (commands topic → router → policy →
 *      router), decision seen on the events topic: throughput, ratio to raw, p50/p99 at half rate;
 *   3. the same through to the read model in MongoDB (FerretDB locally): throughput and latency.
 *   npm run bench:pipeline   (starts the local Kafka and FerretDB if needed)
 * Env: BENCH_MESSAGES (20000), BENCH_PROPOSALS (3000), BENCH_MONGO_PROPOSALS (500), BENCH_LATENCY_SAMPLES (500)
 */
import { cpus, totalmem } from 'node:os';
import mongoose from 'mongoose';
import { watchDecisions } from './decisions-watch.ts';
import { measure, startPipeline, type Pipeline } from './pipeline.ts';
import { rawKafkaThroughput } from './raw-kafka.ts';

const brokers = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const mongoUrl = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const PROPOSALS = Number(process.env.BENCH_PROPOSALS ?? 3000);
const MONGO_PROPOSALS = Number(process.env.BENCH_MONGO_PROPOSALS ?? 500);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 500);
const PARTITIONS = 6;
const fmt = (n: number) => n.toFixed(1);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
const raw = await rawKafkaThroughput(brokers, MESSAGES, 1024, PARTITIONS);
console.log(`1. raw kafkajs produce+consume, 1 KB: ${raw.messages} in ${raw.seconds.toFixed(2)} s = ${raw.perSecond.toFixed(0)} msg/s`);

// 2. Kafka pipeline: decisions observed on the events topic.
{
  const pipeline: Pipeline = await startPipeline({ brokers, partitions: PARTITIONS, port: 18555 });
  const watch = await watchDecisions(brokers, `${pipeline.namespace}.countersign.events`, (id, at) => pipeline.decided(id, at));
  try {
    const r = await measure(pipeline, PROPOSALS, SAMPLES, async () => undefined);
    console.log(`2. pipeline to the decision on the log: ${PROPOSALS} in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} /s; ` +
      `ratio to raw ${(r.perSecond / raw.perSecond).toFixed(3)} (target ≥ 0.5)`);
    console.log(`   latency at ${r.rate.toFixed(0)}/s (half max), n=${r.latencies.length}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms (targets 10 / 30)`);
  } finally {
    await watch.stop();
    await pipeline.stop();
  }
}

// 3. Through to MongoDB: the decision is visible in the actions read model.
{
  const pipeline = await startPipeline({ brokers, partitions: PARTITIONS, port: 18556, mongoUrl });
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
    const r = await measure(pipeline, MONGO_PROPOSALS, Math.min(SAMPLES, 200), poll);
    console.log(`3. pipeline to the read model in MongoDB (${await serverName(db)}): ${MONGO_PROPOSALS} in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} /s; ` +
      `ratio to raw ${(r.perSecond / raw.perSecond).toFixed(4)}`);
    console.log(`   latency at ${r.rate.toFixed(0)}/s (half max), n=${r.latencies.length}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await pipeline.stop();
  }
}
process.exit(0);

async function serverName(db: mongoose.Connection): Promise<string> {
  const info = (await db.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
}
