/**
 * bench/mcp-gate: the latency the MCP gate adds to an auto-allowed tool call, as a ratio to calling
 * the upstream MCP server directly, measured in the same run against one embedded Countersign.
 *   direct  SDK Client → stdio → the test upstream (test/support/mcp-upstream-server.ts), read_file
 *   gated   SDK Client → stdio → `countersign mcp-gate` (as the CLI runs it) → stdio → the same upstream
 * Calls alternate between the two, one at a time (closed loop), so both see the same machine load.
 * Then where the time goes: the three Countersign requests the gate makes before forwarding
 * (propose → 201 approved, GET grant, POST redeem), each timed alone with the SDK.
 *   node --import tsx bench/mcp-gate/run.ts
 * Env: BENCH_CALLS (300 per path)
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

async function connect(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, cwd: ROOT, env: { ...getDefaultEnvironment(), ...env }, stderr: 'inherit' }));
  return client;
}

const direct = await connect(['--import', 'tsx', UPSTREAM, join(dir, 'direct.jsonl')]);
const gated = await connect(
  ['--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), 'mcp-gate', '--config', config, '--', process.execPath, '--import', 'tsx', UPSTREAM, join(dir, 'gated.jsonl')],
  { COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.agent },
);

const samples = { direct: [] as number[], gated: [] as number[], propose: [] as number[], grant: [] as number[], redeem: [] as number[] };
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

for (let i = 0; i < WARMUP; i++) {
  await toolCall(direct, undefined);
  await toolCall(gated, undefined);
}
for (let i = 0; i < CALLS; i++) {
  // Alternate which goes first, so neither always follows the other's background report.
  if (i % 2 === 0) {
    await toolCall(direct, samples.direct);
    await toolCall(gated, samples.gated);
  } else {
    await toolCall(gated, samples.gated);
    await toolCall(direct, samples.direct);
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
  let grant = '';
  await timed(record ? samples.grant : undefined, async () => {
    grant = (await agent.getGrant(id)).grant;
  });
  await timed(record ? samples.redeem : undefined, () => agent.redeem(id, { grant, params }));
  await agent.reportExecution(id, { grant, params, outcome: 'succeeded' });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const line = (name: string, xs: number[]) => console.log(`${name.padEnd(40)} p50 ${ms(pct(xs, 50)).padStart(10)}   p99 ${ms(pct(xs, 99)).padStart(10)}`);
console.log('\ntool call (read_file, auto-allowed), closed loop:');
line('direct to the upstream', samples.direct);
line('through the gate', samples.gated);
const p50 = pct(samples.gated, 50) / pct(samples.direct, 50);
const p99 = pct(samples.gated, 99) / pct(samples.direct, 99);
console.log(`ratio gated/direct: p50 ${p50.toFixed(2)} ×, p99 ${p99.toFixed(2)} ×; added at p50 ${ms(pct(samples.gated, 50) - pct(samples.direct, 50))} (goal ≤ 2 ms)`);
console.log('\nthe gate\'s Countersign requests before forwarding, each alone (SDK, same server):');
line('propose (201 approved by policy)', samples.propose);
line('GET grant', samples.grant);
line('POST redeem', samples.redeem);
line('sum of the three (p50s)', [pct(samples.propose, 50) + pct(samples.grant, 50) + pct(samples.redeem, 50)]);

await direct.close();
await gated.close();
await cs.stop();
await removeDir(cs.dataDir);
await removeDir(dir);
process.exit(0);
