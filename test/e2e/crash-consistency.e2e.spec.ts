/**
 * Crash consistency of the embedded file log, end to end (embedded shape only: the distributed
 * shape's log is Kafka). Seeded: set COUNTERSIGN_CRASH_SEED to repeat a run.
 *
 * 1. A write-heavy run is SIGKILLed at random points and restarted; every decision acknowledged to
 *    a client is still there with its outcome, and no action has a vote without its decision.
 * 2. A power loss in the middle of a vote's batch (the torn-append fault) is cut whole at restart
 *    and the vote is decided again.
 * 3. The tail of the log at rest is damaged (cut, flipped, torn): the process starts with every
 *    acknowledged decision intact or refuses naming the damage, and `countersign log check` agrees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, cp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectLog } from '@countersign/eventlog';
import { waitFor } from '@countersign/testing';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign as startProcess, tempDataDir, type StartOptions } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { newLedger, runWorkload, seeded, verifyDecisions } from '../support/crash-workload.ts';

const SEED = Number(process.env.COUNTERSIGN_CRASH_SEED ?? 20261122);
/** The file log, whatever the test tier exported for the Kafka and MongoDB tests (empty is unset). */
const ENV = { ...E2E_ENV, COUNTERSIGN_KAFKA_BROKERS: '', COUNTERSIGN_MONGO_URL: '', COUNTERSIGN_KAFKA_NAMESPACE: '' };
const KILLS = 2;
const EVENTS = join('log', 'topics', 'countersign.events.log');

/** Every process started, so that none outlives a failed test. */
const started: Array<{ kill9(): Promise<void> }> = [];
async function startCountersign(options: StartOptions) {
  const cs = await startProcess(options);
  started.push(cs);
  return cs;
}

/** `countersign log check <dir> --json`: its exit status and report. */
function logCheck(dir: string): Promise<{ code: number | null; report: { result: string }; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/countersign.mjs'), 'log', 'check', dir, '--json'], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code, report: stdout ? JSON.parse(stdout) : { result: '' }, stderr }));
  });
}

/** Starts the process and reports whether it became ready or exited first (refusing to start). */
async function tryStart(dataDir: string) {
  const cs = await startCountersign({ dataDir, env: ENV, expectExit: true });
  let exited: number | null | undefined;
  void cs.exitCode.then((code) => (exited = code));
  await waitFor(async () => exited !== undefined || (await fetch(`${cs.url}/readyz`)).status === 200, { what: 'the process to be ready or to exit', timeoutMs: 60_000 });
  return { cs, exited };
}

if (SHAPE === 'embedded') describe(`crash consistency of the embedded log (seed ${SEED})`, () => {
  const random = seeded(SEED);
  const ledger = newLedger();
  const dirs: string[] = [];
  let dataDir = '';
  before(async () => dirs.push((dataDir = await tempDataDir())));
  after(async () => {
    await Promise.all(started.map((p) => p.kill9()));
    await Promise.all(dirs.map(removeDir));
  });
  /** The action the torn-append test votes on: pending, created by the last run of the first test. */
  let pendingId = '';

  it('when killed at random points under writes, every acknowledged decision survives with its outcome, and no vote lacks its decision', async () => {
    for (let round = 0; round <= KILLS; round += 1) {
      const cs = await startCountersign({ dataDir, env: ENV });
      await verifyDecisions(cs.url, ledger, `restart ${round}`);
      if (round === KILLS) {
        const proposal = await client(cs.url, KEYS.agent).propose({ action: 'data.export', resource: 'prod/torn', params: { rows: 1 } });
        assert.equal(proposal.body.status, 'pending');
        ledger.proposed.add((pendingId = proposal.body.id));
        await cs.stop();
        break;
      }
      const target = 3 + Math.floor(random() * 12);
      let decided = 0;
      let killed: Promise<void> | undefined;
      await runWorkload(cs.url, ledger, {
        workers: 6, random, tag: String(round), stop: () => killed !== undefined,
        onDecision: () => void (++decided >= target && (killed ??= cs.kill9())),
      });
      await killed;
    }
    assert.ok(ledger.acknowledged.size >= KILLS * 3, `only ${ledger.acknowledged.size} decisions were acknowledged`);
  });

  it('given a power loss in the middle of a vote and its decision (torn-append), the restart cuts the batch whole and the vote is decided again', async () => {
    const id = pendingId;
    assert.ok(id, 'the first test left a pending action');
    // Nothing else writes a batch of several records before the vote: the last run stopped cleanly.
    let cs = await startCountersign({ dataDir, env: { ...ENV, COUNTERSIGN_TEST_FAULT: 'torn-append' }, entries: { embedded: 'test/support/faulty-embedded.main.ts' } });
    await assert.rejects(client(cs.url, KEYS.bob).post(`/v1/actions/${id}/deny`, { reason: 'torn' }), 'the vote is never answered');
    assert.equal(await cs.exitCode, null, 'killed by SIGKILL');
    const check = await logCheck(dataDir);
    assert.equal(check.code, 3, `log check: ${JSON.stringify(check.report)} ${check.stderr}`);

    cs = await startCountersign({ dataDir, env: ENV });
    try {
      assert.match(cs.output(), /countersign\.events\.log: cutting a torn tail: \d+ byte\(s\) from byte \d+ \(record #\d+ on\): 1 record\(s\) of a batch whose end never reached the disk/);
      const bob = client(cs.url, KEYS.bob);
      const decided = await waitFor(async () => ((await bob.get(`/v1/actions/${id}`)).body.status === 'denied' ? bob.get(`/v1/actions/${id}/events`) : undefined), { what: 'the redelivered deny decided again' });
      const types = decided.body.events.map((e: { type: string }) => e.type);
      assert.deepEqual(types.filter((t: string) => t === 'VoteRecorded' || t === 'ActionDenied'), ['VoteRecorded', 'ActionDenied']);
      assert.equal((await client(cs.url, KEYS.alice).post(`/v1/actions/${id}/approve`, {})).status, 409);
      ledger.acknowledged.set(id, 'denied');
      await verifyDecisions(cs.url, ledger, 'after the torn write');
      // At rest: once the acknowledged lengths have caught up with the files, a crash loses nothing more.
      await waitFor(async () => (await inspectLog(join(dataDir, 'log'))).topics.every((t) => t.acknowledged?.bytes === t.fileBytes), { what: 'the acknowledged lengths to catch up' });
    } finally {
      await cs.kill9();
    }
  });

  it('given damage to the tail of the log at rest, the process starts with every acknowledged decision intact or refuses naming the damage; log check agrees', async () => {
    const size = (await stat(join(dataDir, EVENTS))).size;
    const kinds = ['truncate', 'flip', 'torn-tail'] as const;
    const cases = await Promise.all(kinds.map(async (kind) => {
      const dir = await tempDataDir();
      dirs.push(dir);
      await cp(dataDir, dir, { recursive: true });
      const at = size - 1 - Math.floor(random() * Math.min(size, 2048));
      const file = join(dir, EVENTS);
      if (kind === 'truncate') await truncate(file, at);
      if (kind === 'flip') {
        const bytes = await readFile(file);
        bytes[at] ^= 1 + Math.floor(random() * 255);
        await writeFile(file, bytes);
      }
      if (kind === 'torn-tail') await appendFile(file, '0f1e2d3c+{"key":"torn","value":{"type":"Vote');
      return { kind, at, dir, check: await logCheck(dir) };
    }));
    for (const c of cases) {
      const what = `${c.kind} at byte ${c.at} of ${size}`;
      assert.ok([0, 1, 3].includes(c.check.code ?? -1), `${what}: log check failed: ${c.check.stderr}`);
      const { cs, exited } = await tryStart(c.dir);
      if (exited !== undefined) {
        assert.notEqual(exited, 0, `${what}: the process exited cleanly instead of starting`);
        assert.equal(c.check.code, 1, `${what}: the process refused to start but log check said ${c.check.report.result}`);
        assert.match(cs.output(), /refusing to open .*countersign\.(events|commands)\.log: record #\d+ at byte \d+: |refusing to open: checkpoint /, what);
        continue;
      }
      try {
        assert.notEqual(c.check.code, 1, `${what}: log check said refused but the process started`);
        if (c.check.code === 3) assert.match(cs.output(), /cutting a torn tail/, what);
        await verifyDecisions(cs.url, ledger, what);
      } finally {
        await cs.stop();
      }
    }
    assert.deepEqual(cases.map((c) => c.check.code), [1, 1, 3], 'at rest, a cut or a flip is refused and only a torn tail is cut');
  });
});
