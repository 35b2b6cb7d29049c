/**
 * bench/metrics: what the metrics cost a process, as ratios to baselines measured in the same run.
 * 1. The hot-path helpers (a consumer batch handled, a router batch with a decision, a commit
 *    timed) with the SDK started, against the same calls while the API is still a no-op.
 * 2. A scrape: GET /metrics with the series of a busy all-in-one process (every group, 6
 *    partitions, every outcome and route), against GET /healthz on the same server.
 *   npm run bench:metrics
 * Env: BENCH_CALLS (200000 helper rounds), BENCH_SCRAPES (300)
 */
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConsumerLagGauge, ConsumerMetrics, httpMetricsMiddleware, recordDelivery, RouterMetrics, startMetrics, timeBatchCommit } from '@countersign/telemetry';

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 300);
const GROUPS = ['approval-router', 'policy-evaluator', 'notifier', 'audit-projector', 'approval-router.policies'];

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

/** One round of what a busy process records per batch: a handled batch, a committed decision, a delivery. */
async function helperRounds(calls: number): Promise<number> {
  const consumer = new ConsumerMetrics('approval-router');
  const router = new RouterMetrics(() => 0);
  const now = new Date().toISOString();
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const id = `a${i}`;
    consumer.handled(3);
    router.decided([{ id: `c${i}`, type: 'ProposeAction', actionId: id, issuedAt: now }], [
      { type: 'ActionProposed', streamId: id, causationId: `c${i}`, occurredAt: now, data: {} },
      { type: 'ActionApproved', streamId: id, causationId: `e${i}`, occurredAt: now, data: { automatic: true } },
    ]);
    await timeBatchCommit('kafka', 'approval-router', async () => undefined);
    recordDelivery('slack:#x', 'decision', { ok: true, final: true });
  }
  const elapsed = performance.now() - started;
  router.close();
  return (elapsed * 1e6) / calls; // ns per round
}

const noop = await helperRounds(CALLS);
const metrics = startMetrics({ serviceName: 'bench', instanceId: 'bench', shape: 'embedded' }, {});
const recorded = await helperRounds(CALLS);
console.log(`helpers, one round (batch handled + decision + commit timed + delivery): ${recorded.toFixed(0)} ns with the SDK, ` +
  `${noop.toFixed(0)} ns as no-ops: ${(recorded / noop).toFixed(2)} ×`);

// The series of a busy all-in-one process, then scrapes against /healthz on one server.
const lag = new ConsumerLagGauge();
for (const group of GROUPS) lag.set(group, 'countersign.events', Array.from({ length: 6 }, (_, partition) => ({ partition, lag: partition })));
for (const group of GROUPS) for (const reason of ['not_json', 'invalid'] as const) new ConsumerMetrics(group).deadLettered(reason);
const app = express();
app.use(httpMetricsMiddleware);
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.get('/metrics', (req, res) => metrics.handler(req, res));
for (const route of ['/v1/actions', '/v1/actions/:id', '/v1/actions/:id/approve', '/v1/audit']) app.get(route, (_req, res) => void res.end());
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
for (const path of ['/v1/actions', '/v1/actions/x', '/v1/actions/x/approve', '/v1/audit', '/nope']) await (await fetch(base + path)).arrayBuffer();

async function timed(path: string): Promise<{ p50: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    bytes = (await (await fetch(base + path)).arrayBuffer()).byteLength;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], bytes };
}
await timed('/healthz'); // warm-up
const health = await timed('/healthz');
const scrape = await timed('/metrics');
console.log(`GET /metrics: p50 ${scrape.p50.toFixed(2)} ms for ${scrape.bytes} bytes; GET /healthz p50 ${health.p50.toFixed(2)} ms: ` +
  `${(scrape.p50 / health.p50).toFixed(2)} ×`);
server.close();
lag.close();
await metrics.shutdown();
