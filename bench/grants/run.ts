/**
 * bench/grants: what a grant costs an action, as ratios to a proposal's cost without grants,
 * measured in the same run against one embedded system (`npm start`'s shape, file log).
 *   baseline  POST /v1/actions of an auto-allowed action (201 approved): a proposal's cost today
 *   issue     GET /v1/actions/:id/grant (sign the EdDSA JWS from the approval)
 *   verify    verifyGrant offline with the SDK (JWKS fetched once; params hashed, signature checked)
 *   redeem    POST /v1/actions/:id/executions (verify at the gateway, ExecutionStarted on the stream)
 *   report    POST /v1/actions/:id/executions with the outcome (ActionExecuted)
 * Each stage runs closed-loop, one request at a time, so its latency is its cost; then a second,
 * concurrent pass measures throughput of whole actions with and without grants.
 *   node --import tsx bench/grants/run.ts
 * Env: BENCH_ACTIONS (400 per pass), BENCH_CONCURRENCY (16)
 */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { verifyGrant, type JsonWebKeySet } from '@countersign/sdk';
import { client, KEYS } from '../../test/support/api-client.ts';
import { removeDir, ROOT, startCountersign } from '../../test/support/countersign-process.ts';

const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 50;

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${ACTIONS} actions per pass`);

const cs = await startCountersign({
  env: {
    COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
    COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/grant-policies'),
    COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(1024 ** 3),
    COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '1000000',
    COUNTERSIGN_LOG_LEVEL: 'warn',
  },
});
const agent = client(cs.url, KEYS.agent);
const executor = client(cs.url, KEYS.bob);
const jwks = (await client(cs.url).get('/.well-known/jwks.json')).body as JsonWebKeySet;
let counter = 0;

type Stage = 'propose' | 'issue' | 'verify' | 'redeem' | 'report';
const samples: Record<Stage, number[]> = { propose: [], issue: [], verify: [], redeem: [], report: [] };

async function timed<T>(stage: Stage | undefined, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  if (stage) samples[stage].push(performance.now() - start);
  return result;
}

function must(status: number, expected: number, what: string, text: string): void {
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status}: ${text.slice(0, 300)}`);
}

/** One auto-allowed action; with `grants`, its grant issued, verified offline, redeemed and its outcome reported. */
async function oneAction(grants: boolean, record: boolean): Promise<void> {
  const params = { day: `2026-12-${(counter++ % 28) + 1}`, n: counter };
  const stage = (s: Stage) => (record ? s : undefined);
  const proposed = await timed(stage('propose'), () => agent.propose({ action: 'data.read', resource: 'prod/reports', params }));
  must(proposed.status, 201, 'propose', proposed.text);
  if (!grants) return;
  const id = proposed.body.id as string;
  const issued = await timed(stage('issue'), () => agent.get(`/v1/actions/${id}/grant`));
  must(issued.status, 200, 'grant', issued.text);
  await timed(stage('verify'), () => verifyGrant(issued.body.grant, { jwks, params, actionId: id, action: 'data.read', resource: 'prod/reports' }));
  const redeemed = await timed(stage('redeem'), () => executor.post(`/v1/actions/${id}/executions`, { grant: issued.body.grant, params }));
  must(redeemed.status, 201, 'redeem', redeemed.text);
  const reported = await timed(stage('report'), () => executor.post(`/v1/actions/${id}/executions`, { grant: issued.body.grant, params, outcome: 'succeeded' }));
  must(reported.status, 200, 'report', reported.text);
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

try {
  for (let i = 0; i < WARMUP; i++) await oneAction(true, false);
  // Interleaved so drift of the machine hits baseline and grants alike.
  for (let i = 0; i < ACTIONS; i++) await oneAction(true, true);
  const base = { mean: mean(samples.propose), p50: quantile(samples.propose, 0.5) };
  console.log('\nper action, closed loop (one request at a time):');
  console.log('stage    mean ms   p50 ms   p99 ms   × proposal (mean)');
  for (const stage of Object.keys(samples) as Stage[]) {
    const xs = samples[stage];
    console.log(`${stage.padEnd(8)} ${mean(xs).toFixed(2).padStart(7)} ${quantile(xs, 0.5).toFixed(2).padStart(8)} ${quantile(xs, 0.99).toFixed(2).padStart(8)}   ${(mean(xs) / base.mean).toFixed(2)}`);
  }
  const grantCost = mean(samples.issue) + mean(samples.verify) + mean(samples.redeem) + mean(samples.report);
  console.log(`grant issue + verify + redeem + report: ${grantCost.toFixed(2)} ms per action = ${(grantCost / base.mean).toFixed(2)} × a proposal (${base.mean.toFixed(2)} ms); ` +
    `whole action with grants ${((grantCost + base.mean) / base.mean).toFixed(2)} × without`);

  // Throughput: whole actions at CONCURRENCY in flight, without then with grants.
  const pass = async (grants: boolean) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < ACTIONS) await oneAction(grants, false);
    }));
    return ACTIONS / ((performance.now() - start) / 1000);
  };
  const without = await pass(false);
  const withGrants = await pass(true);
  console.log(`\nthroughput at ${CONCURRENCY} in flight: ${without.toFixed(0)} actions/s without grants, ${withGrants.toFixed(0)} actions/s with ` +
    `(issue, verify, redeem, report each): ${(withGrants / without).toFixed(2)} ×`);
} finally {
  await cs.stop();
  await removeDir(cs.dataDir);
}
