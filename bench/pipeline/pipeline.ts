import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { freePort } from '../../test/support/countersign-process.ts';
import { deleteNamespace } from './namespace.ts';
import { PROPOSALS_TOPIC, benchSigner, percentile, signedProposal, type BenchSigner } from './proposals.ts';

export interface Pipeline {
  namespace: string;
  producer: Producer;
  topic: string;
  signer: BenchSigner;
  /** Records that an action's decision was observed at `at` (performance.now()). */
  decided(actionId: string, at: number): void;
  outstanding(): string[];
  sent: Map<string, number>;
  done: Map<string, number>;
  stop(): Promise<void>;
}

/** Starts all five services in one process on Kafka (and MongoDB when given), in a fresh namespace. */
export async function startPipeline(o: { brokers: string[]; partitions: number; mongoUrl?: string }): Promise<Pipeline> {
  const namespace = `bench_${Date.now()}`;
  // A free port, not a fixed one: other checkouts on this machine run the same bench.
  const port = await freePort();
  const signer = await benchSigner();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/countersign/src/main.ts'], {
    env: {
      ...process.env, PORT: String(port), COUNTERSIGN_LOG_LEVEL: 'error', COUNTERSIGN_KAFKA_BROKERS: o.brokers.join(','),
      COUNTERSIGN_KAFKA_NAMESPACE: namespace, COUNTERSIGN_KAFKA_PARTITIONS: String(o.partitions), COUNTERSIGN_INSTANCE_ID: 'bench',
      ...(o.mongoUrl ? { COUNTERSIGN_MONGO_URL: o.mongoUrl, COUNTERSIGN_MONGO_DB: namespace } : {}),
      ...signer.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A bench that dies (an error, a signal) takes its pipeline down with it.
  const killOnExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  for (let delay = 20; !(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)); delay = Math.min(delay * 2, 500)) {
    if (child.exitCode !== null) throw new Error('the pipeline process exited during start-up');
    await new Promise((r) => setTimeout(r, delay));
  }
  const kafka = new Kafka({ clientId: 'bench-driver', brokers: o.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sent = new Map<string, number>();
  const done = new Map<string, number>();
  return {
    namespace, producer, topic: `${namespace}.${PROPOSALS_TOPIC}`, signer, sent, done,
    decided: (id, at) => void (sent.has(id) && !done.has(id) && done.set(id, at - sent.get(id)!)),
    outstanding: () => [...sent.keys()].filter((id) => !done.has(id)),
    async stop() {
      await producer.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      process.off('exit', killOnExit);
      await deleteNamespace(o.brokers, namespace);
    },
  };
}

/** Throughput (all at once), then latency at half that rate, paced one proposal at a time. */
export async function measure(p: Pipeline, count: number, samples: number, poll: () => Promise<void>) {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, count - i) }, () => signedProposal(1024, p.signer)));
    for (const c of batch) p.sent.set(c.actionId, performance.now());
    ids.push(...batch.map((c) => c.actionId));
    await p.producer.send({ topic: p.topic, acks: -1, messages: batch.map((c) => ({ key: c.actionId, value: c.value })) });
  }
  const stalled = stallGuard(p);
  while (ids.some((id) => !p.done.has(id))) {
    await poll();
    stalled();
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (performance.now() - started) / 1000;
  const perSecond = count / seconds;
  const rate = perSecond / 2;
  const paced: string[] = [];
  // Signed before the clock starts: the latency is the pipeline's, not the driver's signing.
  const signed = await Promise.all(Array.from({ length: samples }, () => signedProposal(1024, p.signer)));
  const t0 = performance.now();
  while (paced.length < samples || paced.some((id) => !p.done.has(id))) {
    while (paced.length < samples && performance.now() - t0 >= (paced.length * 1000) / rate) {
      const c = signed[paced.length];
      p.sent.set(c.actionId, performance.now());
      paced.push(c.actionId);
      void p.producer.send({ topic: p.topic, acks: -1, messages: [{ key: c.actionId, value: c.value }] });
    }
    await poll();
    stalled();
    await new Promise((r) => setImmediate(r));
  }
  const latencies = paced.map((id) => p.done.get(id)!).sort((a, b) => a - b);
  return { seconds, perSecond, rate, latencies, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Fails the run when no decision arrived for a minute: proposals dead-lettered (e.g. a key the evaluator refuses), not slow. */
function stallGuard(p: Pipeline, limitMs = 60_000): () => void {
  let seen = p.done.size;
  let since = performance.now();
  return () => {
    if (p.done.size !== seen) [seen, since] = [p.done.size, performance.now()];
    else if (performance.now() - since > limitMs) throw new Error(`no decision for ${limitMs / 1000} s; ${p.outstanding().length} proposals outstanding (see the pipeline's dead letters)`);
  };
}
