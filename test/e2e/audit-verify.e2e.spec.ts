// Issue 13's tamper tests: a data directory written by a real embedded server (checkpoints signed
// every second and at shutdown, the checkpoint key rotated between two runs), copied and tampered
// with in each way an operator with write access could (topic files rewritten with valid record
// checksums, acknowledged lengths and positions, hashes recomputed where the attack would), then
// `countersign audit verify DIR` must name each and exit 1, and the embedded default must refuse
// to start on it, changing nothing. The file log only: the embedded shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type CryptoKey } from 'jose';
import { computeEventHash, signCheckpoint, TOPICS, type CheckpointSignedData, type EventEnvelope, type FindingCode } from '@countersign/contracts';
import { readTopicFile, rewriteTopicFile } from '@countersign/eventlog/testing';
import { rotateCheckpointKeyFile, type CheckpointKeyFile } from '@countersign/runtime';
import { client, KEYS } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { READY_MS, removeDir, ROOT, SHAPE, startCountersign, tempDataDir } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

const ENV = { ...E2E_ENV, COUNTERSIGN_CHECKPOINT_INTERVAL: '1s' };

interface Log {
  events: EventEnvelope[];
  checkpoints: EventEnvelope[];
}

const parse = (records: { raw: string }[]) => records.map((r) => JSON.parse(r.raw) as EventEnvelope);
const readLog = async (dataDir: string): Promise<Log> => ({
  events: parse(await readTopicFile(join(dataDir, 'log'), TOPICS.events)),
  checkpoints: parse(await readTopicFile(join(dataDir, 'log'), TOPICS.checkpoints)),
});
async function writeLog(dataDir: string, log: Log): Promise<void> {
  await rewriteTopicFile(join(dataDir, 'log'), TOPICS.events, log.events.map((e) => ({ key: e.streamId, raw: JSON.stringify(e) })));
  await rewriteTopicFile(join(dataDir, 'log'), TOPICS.checkpoints, log.checkpoints.map((e) => ({ key: e.streamId, raw: JSON.stringify(e) })));
}

/** Recomputes links and hashes from `from` on, as an attacker covering an edit would. */
function rechain(events: EventEnvelope[], from = 0): void {
  for (let i = from; i < events.length; i += 1) {
    if (i > 0) events[i].prevHash = events[i - 1].hash;
    events[i].hash = computeEventHash(events[i]);
  }
}

function verifyCli(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COUNTERSIGN_')));
  return new Promise((done) => {
    const child = spawn(process.execPath, [...cliNodeArgs(), 'audit', 'verify', dir], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts the embedded default on `dataDir` and expects it to exit; kills it and fails if it serves. */
async function startExpectingRefusal(dataDir: string): Promise<{ code: number | null; output: string }> {
  const cs = await startCountersign({ dataDir, env: ENV, expectExit: true });
  let timer: NodeJS.Timeout | undefined;
  const served = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), READY_MS)));
  const code = await Promise.race([cs.exitCode, served]);
  clearTimeout(timer);
  if (code === 'timeout') {
    await cs.kill9();
    assert.fail(`the server did not refuse to start:\n${cs.output()}`);
  }
  return { code, output: cs.output() };
}

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

// The file log is the embedded shape's: tools/test.mjs runs this suite in that shape only.
// Each test tampers with a copy of its own and starts its own processes, so they run four at a time
// (each is a CLI run and a server start, mostly waiting on module loads and the disk).
describe('audit verify and the refusal at start, on tampered copies of a real data directory', { concurrency: 4 }, () => {
  let pristine: string;
  const copies: string[] = [];
  let target: string; // an action stream of the first run, with several events, covered by checkpoint 1

  before(() => assert.equal(SHAPE, 'embedded', 'the file log is the embedded shape\'s: this suite runs there only (tools/test.mjs)'));
  before(async () => {
    pristine = await tempDataDir();
    // Run 1: an approved export (several events) and two reads, until checkpoint 1 covers them.
    let cs = await startCountersign({ dataDir: pristine, env: ENV });
    const agent = client(cs.url, KEYS.agent);
    target = (await agent.propose({ action: 'data.export', resource: 'prod/tamper-1' })).body.id;
    await client(cs.url, KEYS.bob).post(`/v1/actions/${target}/approve`, { comment: 'ok' });
    for (const r of ['prod/t-2', 'prod/t-3']) await agent.propose({ action: 'data.read', resource: r });
    await until(async () => (await readLog(pristine)).checkpoints.length >= 1, 'checkpoint 1');
    assert.equal(await cs.stop(), 0);
    // The key rotated between runs: later checkpoints are signed by the new key.
    const keyPath = join(pristine, 'checkpoint-keys.json');
    const rotated = await rotateCheckpointKeyFile(JSON.parse(await readFile(keyPath, 'utf8')) as CheckpointKeyFile, new Date());
    await writeFile(keyPath, JSON.stringify(rotated), { mode: 0o600 });
    // Run 2 starts on the log run 1 left (it verifies at start), adds more, signs at shutdown.
    cs = await startCountersign({ dataDir: pristine, env: ENV });
    assert.match(cs.output(), /log verified in \d+ ms: \d+ events in 3 streams under checkpoint \d+/);
    await client(cs.url, KEYS.agent).propose({ action: 'data.read', resource: 'prod/t-4' });
    assert.equal(await cs.stop(), 0);
    const log = await readLog(pristine);
    assert.ok(log.checkpoints.length >= 2 && log.events.filter((e) => e.streamId === target).length >= 3, 'two checkpoints, a target stream of three events');
  });
  after(async () => {
    for (const dir of [pristine, ...copies]) await removeDir(dir);
  });

  async function copy(): Promise<string> {
    const dir = await tempDataDir();
    copies.push(dir);
    await cp(pristine, dir, { recursive: true });
    return dir;
  }

  it('given the untampered log, signed across a key rotation, audit verify exits 0 and the server starts', async () => {
    const dir = await copy();
    const run = await verifyCli(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^verified: \d+ events in 4 streams under checkpoint \d+ \(signed .* by checkpoint-[^)]+\); every event is covered\n$/);
    const cs = await startCountersign({ dataDir: dir, env: ENV });
    assert.match(cs.output(), /log verified in \d+ ms/);
    assert.equal(await cs.stop(), 0);
  });

  const keyFileOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'checkpoint-keys.json'), 'utf8')) as CheckpointKeyFile;
  /** Re-signs checkpoint `index` (payload edited) with key `kid` of the key file, and rewrites the checkpoints' chain. */
  async function resign(dir: string, log: Log, index: number, kid: string | undefined, edit: Record<string, unknown>, signWith?: CheckpointKeyFile['keys'][number]): Promise<void> {
    const file = await keyFileOf(dir);
    const entry = signWith ?? file.keys.find((k) => k.kid === kid)!;
    const data = log.checkpoints[index].data as CheckpointSignedData;
    const payload = { ...JSON.parse(Buffer.from(data.checkpoint.split('.')[1], 'base64url').toString('utf8')), ...edit };
    data.checkpoint = await signCheckpoint(payload, { kid: kid ?? entry.kid, privateKey: (await importJWK(entry.privateJwk, 'EdDSA')) as CryptoKey });
    Object.assign(data, { root: payload.root, streams: payload.streams, prev: payload.prev });
    rechain(log.checkpoints, index);
  }

  const stream = (log: Log) => log.events.filter((e) => e.streamId === target);
  const tampers: Array<[string, FindingCode, (dir: string, log: Log) => Promise<void> | void]> = [
    ['an event edited without recomputing its hash', 'event-edited', (_d, log) => void (stream(log)[0].data = { ...(stream(log)[0].data as object), tampered: true })],
    ['an event edited, the stream rehashed', 'head-mismatch', (_d, log) => {
      const s = stream(log);
      s[0].data = { ...(s[0].data as object), tampered: true };
      rechain(s);
    }],
    ['an event deleted', 'chain-broken', (_d, log) => void log.events.splice(log.events.indexOf(stream(log)[1]), 1)],
    ['a stream deleted', 'stream-deleted', (_d, log) => void (log.events = log.events.filter((e) => e.streamId !== target))],
    ['two events reordered', 'chain-broken', (_d, log) => {
      const [a, b] = stream(log);
      const [i, j] = [log.events.indexOf(a), log.events.indexOf(b)];
      [log.events[i], log.events[j]] = [b, a];
    }],
    ['an event inserted', 'chain-broken', (_d, log) => {
      const first = stream(log)[0];
      const extra = { ...structuredClone(first), id: `${first.id}-inserted`, seq: 2, prevHash: first.hash };
      extra.hash = computeEventHash(extra);
      log.events.splice(log.events.indexOf(first) + 1, 0, extra);
    }],
    ['the tail of a stream truncated', 'truncated', (_d, log) => void log.events.splice(log.events.indexOf(stream(log).at(-1)!), 1)],
    ['a checkpoint forged under its key id', 'checkpoint-forged', async (dir, log) => {
      const [own] = (await keyFileOf(dir)).keys;
      const forger = (await rotateCheckpointKeyFile({ keys: [own] }, new Date())).keys[1];
      const kid = JSON.parse(Buffer.from((log.checkpoints[0].data as CheckpointSignedData).checkpoint.split('.')[0], 'base64url').toString('utf8')).kid as string;
      await resign(dir, log, 0, kid, { root: '0'.repeat(64) }, forger);
    }],
    ['the last checkpoint re-signed with the retired key', 'key-outside-validity', async (dir, log) => {
      const retired = (await keyFileOf(dir)).keys.find((k) => k.retiredAt)!;
      await resign(dir, log, log.checkpoints.length - 1, retired.kid, {});
    }],
    ['a checkpoint dropped', 'checkpoint-chain-broken', (_d, log) => void log.checkpoints.splice(0, 1)],
    ['a changed list edited', 'heads-unproven', (_d, log) => {
      // The last checkpoint that lists the stream: an earlier one's list, made good by a later
      // listing (an interval checkpoint signed while the action was still moving), leaves the last
      // root as it was, which the start does not recompute beyond (docs/audit.md).
      const listing = log.checkpoints.filter((c) => (c.data as CheckpointSignedData).changed.some((h) => h.streamId === target));
      const data = listing.at(-1)!.data as CheckpointSignedData;
      data.changed = data.changed.filter((h) => h.streamId !== target);
      rechain(log.checkpoints);
    }],
  ];

  for (const [name, code, tamper] of tampers) {
    it(`when ${name}, audit verify names ${code} and exits 1, and the server refuses to start, changing nothing`, async () => {
      const dir = await copy();
      const log = await readLog(dir);
      await tamper(dir, log);
      await writeLog(dir, log);
      const files = ['events', 'checkpoints'].map((t) => join(dir, 'log', 'topics', `countersign.${t}.log`));
      const before = await Promise.all(files.map(sha));
      const [run, start] = await Promise.all([verifyCli(dir), startExpectingRefusal(dir)]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`^FAILED: ${code} `, 'm'));
      assert.notEqual(start.code, 0);
      assert.match(start.output, new RegExp(`refusing to start: the log in .* fails verification \\(nothing was changed\\): .*${code}`));
      assert.deepEqual(await Promise.all(files.map(sha)), before, 'the refused start changed the log');
    });
  }
});
