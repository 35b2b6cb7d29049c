/**
 * bench/audit (issue 13), in one run:
 *   1. verification rate of the verifier (verifyEvidence) over N events with checkpoints, against a
 *      plain SHA-256 pass over the same NDJSON bytes, and JSON.parse of them (what any reader pays);
 *   2. checkpoint cost (Merkle root over every head + Ed25519 signature) against SHA-256 over the
 *      same heads' bytes, for several stream counts;
 *   3. `countersign audit verify DIR` end to end on an embedded data directory of N events whose
 *      checkpoint the server signed at its clean shutdown, against SHA-256 of the topic files;
 *   4. export of the same N events as an evidence bundle from the embedded server: time, bundle
 *      size, and the server's peak resident memory while exporting against before it.
 *   npm run bench:audit
 * Env: BENCH_EVENTS (100000; events are 3 per action), BENCH_CHECKPOINTS (10), BENCH_PORT (18391),
 * BENCH_PARTS (1234: which of the parts above to run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointJwk, signCheckpoint, verifyEvidence, type EventEnvelope } from '@countersign/contracts';
import { checkpointEvents, NO_CHECKPOINT, planCheckpoints, type LastCheckpoint } from '@countersign/service-audit-projector';
import { streamOf } from '../projector/events.ts';
import { removeDir, seededDataDir, startSeconds } from '../projector/embedded-start.ts';
import { checkpointCost } from './checkpoint-cost.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 18391);
const ACTIONS = Math.ceil(EVENTS / 3);
const PARTS = process.env.BENCH_PARTS ?? '1234';
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (t0: number) => performance.now() - t0;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);

// 1. The verifier in process.
if (PARTS.includes('1')) {
  const streams = Array.from({ length: ACTIONS }, (_, i) => streamOf(i));
  const events = streams.flat();
  const lines = events.map((e) => `${JSON.stringify(e)}\n`);
  const bytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
  const checkpoints = await checkpointsOver(streams, CHECKPOINTS);

  const shaTimes: number[] = [];
  const parseTimes: number[] = [];
  const verifyTimes: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    let t = performance.now();
    const h = createHash('sha256');
    for (const l of lines) h.update(l);
    h.digest();
    shaTimes.push(ms(t));
    t = performance.now();
    const parsed = lines.map((l) => JSON.parse(l) as EventEnvelope);
    parseTimes.push(ms(t));
    t = performance.now();
    const verdict = await verifyEvidence({ checkpoints: checkpoints.events, events: parsed, keys: checkpoints.keys, scope: 'complete' });
    verifyTimes.push(ms(t));
    if (verdict.verdict !== 'verified') throw new Error(`the bench log did not verify: ${JSON.stringify(verdict.findings.slice(0, 3))}`);
  }
  const [sha, parse, verify] = [shaTimes, parseTimes, verifyTimes].map(median);
  console.log(`\n1. verifier in process: ${n0(events.length)} events in ${n0(ACTIONS)} streams, ${(bytes / 2 ** 20).toFixed(1)} MiB NDJSON, ${checkpoints.events.length} checkpoints (median of 3)`);
  console.log('| pass | ms | events/s | ratio to SHA-256 |\n|---|---|---|---|');
  for (const [name, t] of [['SHA-256 over the bytes (baseline)', sha], ['JSON.parse of every line', parse], ['verifyEvidence (parsed events)', verify], ['parse + verify', parse + verify]] as const) {
    console.log(`| ${name} | ${t.toFixed(0)} | ${n0(events.length / (t / 1000))} | ${(t / sha).toFixed(1)} × |`);
  }
}

// 2. Checkpoint cost.
if (PARTS.includes('2')) {
  console.log('\n2. one checkpoint: Merkle root over every head + signature (median of 5)');
  console.log('| streams | SHA-256 of the heads (baseline) ms | root ms | sign ms | (root + sign) / SHA-256 |\n|---|---|---|---|---|');
  for (const streams of [1_000, 10_000, 100_000]) {
    const c = await checkpointCost(streams);
    console.log(`| ${n0(streams)} | ${c.sha256Ms.toFixed(2)} | ${c.rootMs.toFixed(2)} | ${c.signMs.toFixed(2)} | ${((c.rootMs + c.signMs) / c.sha256Ms).toFixed(1)} × |`);
  }
}

// 3 and 4. A real data directory, checkpointed by the embedded server itself.
const dir = PARTS.includes('3') || PARTS.includes('4') ? await seededDataDir(ACTIONS) : undefined;
if (dir) try {
  const firstStart = await startSeconds(dir, PORT); // verifies at start, replays, signs at the clean stop
  const topics = join(dir, 'log', 'topics');
  const files = readdirSync(topics).filter((f) => f.endsWith('.log')).map((f) => join(topics, f));
  const logBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  let t = performance.now();
  for (const f of files) await hashFile(f);
  const sha = ms(t);
  t = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'audit', 'verify', dir, '--json'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const verifyMs = ms(t);
  const verdict = JSON.parse(run.stdout) as { verdict: string; covered: { events: number } };
  if (run.status !== 0 || verdict.verdict !== 'verified') throw new Error(`audit verify exited ${run.status}: ${run.stdout.slice(0, 500)} ${run.stderr.slice(0, 500)}`);
  // The CLI's own start, the least of three (one sample was once longer than the whole verify).
  const floors: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    t = performance.now();
    spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', '--help'], { encoding: 'utf8' });
    floors.push(ms(t));
  }
  const floor = Math.min(...floors);
  const secondStart = await startSeconds(dir, PORT);
  console.log(`\n3. \`countersign audit verify DIR\`: ${n0(verdict.covered.events)} events covered, topic files ${(logBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log('| pass | ms | ratio to SHA-256 |\n|---|---|---|');
  console.log(`| SHA-256 of the topic files (baseline) | ${sha.toFixed(0)} | 1 × |`);
  console.log(`| audit verify, whole command | ${verifyMs.toFixed(0)} | ${(verifyMs / sha).toFixed(1)} × |`);
  console.log(`| of which starting the CLI (countersign --help, least of 3) | ${floor.toFixed(0)} | ${(floor / sha).toFixed(1)} × |`);
  console.log(`| events/s, whole command less the start | ${n0(verdict.covered.events / ((verifyMs - floor) / 1000))} | |`);
  console.log(`embedded start to ready on this log (verifies it first): ${firstStart.toFixed(1)} s with no checkpoint yet, ${secondStart.toFixed(1)} s with one`);

  await exportBundle(dir);
} finally {
  await removeDir(dir);
}

async function exportBundle(dataDir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/countersign/src/main.ts'], {
    env: { ...process.env, COUNTERSIGN_KAFKA_BROKERS: '', COUNTERSIGN_MONGO_URL: '', PORT: String(PORT), HOST: '127.0.0.1', COUNTERSIGN_DATA_DIR: dataDir, COUNTERSIGN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      await sleep(100);
    }
    const before = memory(child.pid!);
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/audit/export`, { headers: { authorization: 'Bearer carol-key' } });
    if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    const h = createHash('sha256');
    let size = 0;
    for await (const chunk of res.body) {
      h.update(chunk);
      size += chunk.byteLength;
    }
    const exportMs = ms(t);
    const after = memory(child.pid!);
    console.log(`\n4. evidence bundle of every action (${n0(ACTIONS * 3)} events) from the embedded server`);
    console.log(`export: ${(exportMs / 1000).toFixed(1)} s, ${(size / 2 ** 20).toFixed(1)} MiB gzip'd (${n0((ACTIONS * 3) / (exportMs / 1000))} events/s)`);
    console.log(`server resident memory: ${mib(before.rss)} before, peak ${mib(after.hwm)} (peak before: ${mib(before.hwm)}); peak growth ${mib(Math.max(0, after.hwm - before.hwm))} for a ${(size / 2 ** 20).toFixed(1)} MiB bundle`);
  } finally {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
}

async function checkpointsOver(streams: EventEnvelope[][], count: number) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = 'checkpoint-bench';
  const notBefore = '2025-01-01T00:00:00.000Z';
  const x = publicKey.export({ format: 'jwk' }).x!;
  const keys = new Map([[kid, { publicKey, notBefore }]]);
  void checkpointJwk({ kid, x, notBefore }); // the published form of the same key
  const seen = new Map<string, { seq: number; hash: string }>();
  let committed = new Map<string, { seq: number; hash: string }>();
  let last: LastCheckpoint = NO_CHECKPOINT;
  const events: EventEnvelope[] = [];
  const per = Math.ceil(streams.length / count);
  for (let i = 0; i < streams.length; i += per) {
    for (const s of streams.slice(i, i + per)) {
      const head = s.at(-1)!;
      seen.set(head.streamId, { seq: head.seq, hash: head.hash });
    }
    const at = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
    const planned = planCheckpoints({ last, committed, seen, at, log: 'countersign', positions: {} });
    const signed = await Promise.all(planned.map(async (p) => ({ ...p, jws: await signCheckpoint(p.payload, { kid, privateKey }) })));
    const sealed = checkpointEvents(signed, last, { newId: () => randomUUID() });
    events.push(...sealed);
    committed = new Map(seen);
    const end = sealed.at(-1)!;
    last = { number: end.seq, payloadHash: createHash('sha256').update(Buffer.from(end.data.checkpoint.split('.')[1], 'base64url')).digest('hex'), eventHash: end.hash };
  }
  return { events, keys };
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
