/**
 * bench/pipeline: raw kafkajs produce+consume throughput of 1 KB messages, then auto-allowed
 * proposals through the whole pipeline (commands topic → policy → router → projector, visible in
 * MongoDB), in the same run on the same broker. Prints throughput, p50/p99 latency and the ratio.
 *   npm run bench:pipeline   (starts the local Kafka and FerretDB if needed)
 * Env: BENCH_MESSAGES (raw, default 20000), BENCH_PROPOSALS (default 3000), BENCH_LATENCY_SAMPLES (default 600)
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { percentile, proposal } from './proposals.ts';
import { rawKafkaThroughput } from './raw-kafka.ts';

const brokers = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const mongoUrl = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const PROPOSALS = Number(process.env.BENCH_PROPOSALS ?? 3000);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 600);
const PARTITIONS = 6;
const ns = `bench_${Date.now()}`;

async function startPipeline(port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/countersign/src/main.ts'], {
    env: {
      ...process.env, PORT: String(port), COUNTERSIGN_LOG_LEVEL: 'warn', COUNTERSIGN_KAFKA_BROKERS: brokers.join(','),
      COUNTERSIGN_MONGO_URL: mongoUrl, COUNTERSIGN_MONGO_DB: ns, COUNTERSIGN_KAFKA_NAMESPACE: ns,
      COUNTERSIGN_KAFKA_PARTITIONS: String(PARTITIONS), COUNTERSIGN_INSTANCE_ID: 'bench',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (child.exitCode !== null) throw new Error('the pipeline process exited during start-up');
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const raw = await rawKafkaThroughput(brokers, MESSAGES, 1024, PARTITIONS);
  console.log(`raw kafkajs produce+consume, 1 KB: ${raw.messages} msgs in ${raw.seconds.toFixed(2)} s = ${raw.perSecond.toFixed(0)} msg/s`);

  const pipeline = await startPipeline(18555);
  const kafka = new Kafka({ clientId: 'bench-driver', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const db = await mongoose.createConnection(mongoUrl, { dbName: ns }).asPromise();
  const actions = db.collection('actions');
  const topic = `${ns}.countersign.commands`;
  try {
    // Throughput: everything at once, until every action is approved in MongoDB.
    const started = process.hrtime.bigint();
    for (let i = 0; i < PROPOSALS; i += 250) {
      const batch = Array.from({ length: Math.min(250, PROPOSALS - i) }, () => proposal(1024));
      await producer.send({ topic, acks: -1, messages: batch.map((c) => ({ key: c.actionId, value: JSON.stringify(c) })) });
    }
    while ((await actions.countDocuments({ status: 'approved' })) < PROPOSALS) await new Promise((r) => setTimeout(r, 20));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = PROPOSALS / seconds;
    console.log(`pipeline, auto-allowed proposals: ${PROPOSALS} in ${seconds.toFixed(2)} s = ${perSecond.toFixed(0)} /s`);
    console.log(`ratio pipeline / raw: ${(perSecond / raw.perSecond).toFixed(3)} (target ≥ 0.5)`);

    // Latency at half that rate: send one by one on a schedule, watch MongoDB for each decision.
    const rate = perSecond / 2;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const t0 = performance.now();
    let next = 0;
    while (latencies.length < SAMPLES) {
      const now = performance.now();
      while (next < SAMPLES && now - t0 >= (next * 1000) / rate) {
        const c = proposal(1024);
        sentAt.set(c.actionId, performance.now());
        void producer.send({ topic, acks: -1, messages: [{ key: c.actionId, value: JSON.stringify(c) }] });
        next += 1;
      }
      const waiting = [...sentAt.keys()];
      if (waiting.length > 0) {
        const seen = await actions.find({ _id: { $in: waiting } as never, status: 'approved' }, { projection: { _id: 1 } }).toArray();
        const at = performance.now();
        for (const doc of seen) {
          latencies.push(at - sentAt.get(String(doc._id))!);
          sentAt.delete(String(doc._id));
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    latencies.sort((a, b) => a - b);
    console.log(`latency proposal → decision visible in MongoDB at ${rate.toFixed(0)}/s (half max), n=${latencies.length}: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (targets 10 / 30 ms)`);
  } finally {
    await producer.disconnect();
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    pipeline.kill('SIGTERM');
  }
}

await main();
