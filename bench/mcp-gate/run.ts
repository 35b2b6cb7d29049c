/**
 * bench/mcp-gate: the latency the MCP gate adds to an auto-allowed tool call, as a ratio to calling
 * the upstream MCP server directly, measured in the same run against one embedded Countersign.
 *   direct  SDK Client → stdio → the test upstream (test/support/mcp-upstream-server.ts), read_file
 *   gated   SDK Client → stdio → `countersign mcp-gate` (as the CLI runs it) → stdio → the same upstream
 *           (the default: one request, propose?include=grant, before forwarding; ADR 0006)
 *   strict  the same with `recordFirst: true` (propose?include=grant, then redeem, before forwarding)
 * Calls rotate between the three, one at a time, started at a steady pace (one every
 * BENCH_INTERVAL_MS, default 40: an agent's calls are seconds apart, and a closed loop would
 * measure each call queued behind the previous call's execution report in the log), so all
 * see the same machine load.
 * Then where the time goes: the Countersign requests, each timed alone with the SDK, and an
 * authenticated read (GET /v1/actions/:id) as the floor of one request to the gateway.
 *   node --import tsx bench/mcp-gate/run.ts
 * Env: BENCH_CALLS (300 per path), BENCH_INTERVAL_MS (40)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Countersign } from '@countersign/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYS } from '../../test/support/api-client.ts';
import { removeDir, ROOT, startCountersign } from '../../test/support/countersign-process.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 40);
const WARMUP = 30;
const UPSTREAM = join(ROOT, 'test/support/mcp-upstream-server.ts');

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${CALLS} calls per path`);

const cs = await startCountersign({
  env: {
    COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
    COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/mcp-policies'),
    COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(1024 ** 3),
    COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '1000000',
    COUNTERSIGN_LOG_LEVEL: 'warn',
  },
});
const dir = mkdtempSync(join(tmpdir(), 'bench-mcp-gate-'));
const config = join(dir, 'gate.yaml');
writeFileSync(config, 'server: files\n');
const strictConfig = join(dir, 'strict.yaml');
writeFileSync(strictConfig, 'server: files\nrecordFirst: true\n');

async function connect(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, cwd: ROOT, env: { ...getDefaultEnvironment(), ...env }, stderr: 'inherit' }));
  return client;
}

const direct = await connect(['--import', 'tsx', UPSTREAM, join(dir, 'direct.jsonl')]);
const gateOn = (file: string, calls: string) => connect(
  ['--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), 'mcp-gate', '--config', file, '--', process.execPath, '--import', 'tsx', UPSTREAM, join(dir, calls)],
  { COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.agent },
);
const gated = await gateOn(config, 'gated.jsonl');
const strict = await gateOn(strictConfig, 'strict.jsonl');

const samples = {
  direct: [] as number[], gated: [] as number[], strict: [] as number[],
  read: [] as number[], propose: [] as number[], proposeWithGrant: [] as number[], grant: [] as number[], redeem: [] as number[], report: [] as number[], reportAlone: [] as number[],
};
let n = 0;
async function timed(into: number[] | undefined, work: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await work();
  into?.push(performance.now() - start);
}
async function toolCall(client: Client, into: number[] | undefined): Promise<void> {
  await timed(into, async () => {
    const result = await client.callTool({ name: 'read_file', arguments: { path: `notes/${n++}.txt` } });
    if (result.isError) throw new Error(`the call failed: ${JSON.stringify(result.content)}`);
  });
}

const paths: Array<[Client, number[]]> = [[direct, samples.direct], [gated, samples.gated], [strict, samples.strict]];
for (let i = 0; i < WARMUP; i++) for (const [client] of paths) await toolCall(client, undefined);
const paceStart = performance.now();
let slot = 0;
/** Waits for the next slot of the pace (a benchmark's schedule, not a test waiting on state). */
const nextSlot = async () => {
  const due = paceStart + slot++ * INTERVAL_MS - performance.now();
  if (due > 0) await new Promise((r) => setTimeout(r, due));
};
for (let i = 0; i < CALLS; i++) {
  // Rotate which goes first, so none always follows the same other path.
  for (let k = 0; k < paths.length; k++) {
    const [client, into] = paths[(i + k) % paths.length]!;
    await nextSlot();
    await toolCall(client, into);
  }
}

// The gate's Countersign requests, alone: what an auto-allowed call must wait for before forwarding.
const agent = new Countersign({ url: cs.url, apiKey: KEYS.agent });
for (let i = 0; i < CALLS; i++) {
  const params = { path: `alone/${i}.txt` };
  const record = i >= WARMUP;
  let id = '';
  await timed(record ? samples.propose : undefined, async () => {
    id = (await agent.propose({ action: 'mcp.files.read_file', resource: 'mcp/files/read_file', params })).id;
  });
  await timed(record ? samples.read : undefined, () => agent.get(id));
  let grant = '';
  await timed(record ? samples.grant : undefined, async () => {
    grant = (await agent.getGrant(id)).grant;
  });
  await timed(record ? samples.redeem : undefined, () => agent.redeem(id, { grant, params }));
  await timed(record ? samples.report : undefined, () => agent.reportExecution(id, { grant, params, outcome: 'succeeded' }));
  // The default path: the proposal's answer carries the grant; one report records start and outcome.
  const fast = { path: `fast/${i}.txt` };
  let answer: Awaited<ReturnType<Countersign['propose']>> | undefined;
  await timed(record ? samples.proposeWithGrant : undefined, async () => {
    answer = await agent.propose({ action: 'mcp.files.read_file', resource: 'mcp/files/read_file', params: fast }, { includeGrant: true });
  });
  if (!answer?.grant) throw new Error('an allowed proposal came without its grant');
  await timed(record ? samples.reportAlone : undefined, () => agent.reportExecution(answer!.id, { grant: answer!.grant!.grant, params: fast, outcome: 'succeeded' }));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const line = (name: string, xs: number[]) => console.log(`${name.padEnd(40)} p50 ${ms(pct(xs, 50)).padStart(10)}   p99 ${ms(pct(xs, 99)).padStart(10)}`);
console.log(`\ntool call (read_file, auto-allowed), one every ${INTERVAL_MS} ms:`);
line('direct to the upstream', samples.direct);
line('through the gate', samples.gated);
const p50 = pct(samples.gated, 50) / pct(samples.direct, 50);
const p99 = pct(samples.gated, 99) / pct(samples.direct, 99);
line('through the gate, recordFirst: true', samples.strict);
console.log(`ratio gated/direct: p50 ${p50.toFixed(2)} ×, p99 ${p99.toFixed(2)} ×; added at p50 ${ms(pct(samples.gated, 50) - pct(samples.direct, 50))} (goal ≤ 2 ms)`);
console.log(`ratio strict/direct: p50 ${(pct(samples.strict, 50) / pct(samples.direct, 50)).toFixed(2)} ×; added at p50 ${ms(pct(samples.strict, 50) - pct(samples.direct, 50))}`);
console.log('\nCountersign requests, each alone (SDK, same server):');
line('GET action (an authenticated read: the floor)', samples.read);
line('propose (201 approved by policy)', samples.propose);
line('propose?include=grant (the default path)', samples.proposeWithGrant);
line('GET grant', samples.grant);
line('POST redeem', samples.redeem);
line('POST report after a redemption', samples.report);
line('POST report alone (start + outcome)', samples.reportAlone);

await direct.close();
await gated.close();
await strict.close();
await cs.stop();
await removeDir(cs.dataDir);
await removeDir(dir);
process.exit(0);
