// `countersign audit verify` against data directories written by the file log and bundles written
// with tar-stream: the readers in process, the exit statuses and output as a process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TOPICS, type CheckpointSignedData, type EventEnvelope } from '@countersign/contracts';
import { EvidenceWriter, rechain, replaceCheckpointData, resign, rotatingKeys, type EvidenceLog } from '@countersign/contracts/testing';
import { readTopicFile, rewriteTopicFile } from '@countersign/eventlog/testing';
import { tempDir, type TempDir } from '@countersign/testing';
import { verifyBundle } from './audit-verify-bundle.ts';
import { findFileLog, verifyDataDir } from './audit-verify-datadir.ts';
import { publishedJwks, writeBundle, writeDataDir } from './audit-verify-fixtures.ts';
import { keysFromJwksFile, keysFromKeyFile } from './audit-verify-keys.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const keys = await rotatingKeys(undefined, { extractable: true });

/** s1..s3 under checkpoints 1 (cp-a) and 2 (cp-b, after the rotation), then a tail. */
async function fixtureLog(): Promise<EvidenceLog> {
  const w = new EvidenceWriter(keys);
  w.write('s1', 3); w.write('s2', 2); w.write('s3', 1);
  await w.checkpoint(10);
  w.write('s1', 1); w.write('s3', 2);
  await w.checkpoint(40);
  w.write('s2', 1);
  return { events: w.events, checkpoints: w.checkpoints };
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('COUNTERSIGN_')) delete env[name];
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/countersign.mjs'), 'audit', 'verify', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const unpinned = () => undefined;

describe('audit verify: readers', () => {
  let tmp: TempDir;
  let log: EvidenceLog;
  before(async () => {
    tmp = await tempDir('countersign-verify-');
    log = await fixtureLog();
  });
  after(() => tmp.cleanup());

  it('given a data directory written by the file log, it verifies under the key file and under the published keys alike', async () => {
    const dir = join(tmp.path, 'data-ok');
    await writeDataDir(dir, log, keys);
    const found = findFileLog(dir)!;
    const jwks = join(tmp.path, 'jwks.json');
    await writeFile(jwks, JSON.stringify(await publishedJwks(keys)));
    for (const k of [await keysFromKeyFile(found.keyFile), await keysFromJwksFile(jwks)]) {
      const v = await verifyDataDir(found, k);
      assert.deepEqual([v.verdict, v.covered, v.tail, v.checkpoint?.number, v.kid], ['verified', { events: 9, streams: 3 }, { events: 1, streams: 0 }, 2, 'cp-b']);
    }
    assert.deepEqual(findFileLog(join(dir, 'log')), found.logDir === join(dir, 'log') ? { logDir: join(dir, 'log'), keyFile: join(dir, 'checkpoint-keys.json') } : undefined);
  });

  it('when the events topic is rewritten with an edit and recomputed hashes, head-mismatch names the stream', async () => {
    const dir = join(tmp.path, 'data-edited');
    await writeDataDir(dir, log, keys);
    const logDir = join(dir, 'log');
    const events = (await readTopicFile(logDir, TOPICS.events)).map((r) => JSON.parse(r.raw) as EventEnvelope);
    const s2 = events.filter((e) => e.streamId === 's2');
    (s2[0].data as { reason: string }).reason = 'edited';
    rechain(s2);
    await rewriteTopicFile(logDir, TOPICS.events, events.map((e) => ({ key: e.streamId, raw: JSON.stringify(e) })));
    const v = await verifyDataDir(findFileLog(dir)!, keys.keys);
    assert.deepEqual(v.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.streamId, f.seq, f.checkpoint]), [['head-mismatch', 's2', 2, 1]]);
  });

  it('given a complete bundle, or one filtered to an action, it verifies; a file changed after the manifest is named', async () => {
    const complete = join(tmp.path, 'complete.tar.gz');
    await writeBundle(complete, log, keys);
    const v = await verifyBundle(complete, undefined, unpinned);
    assert.deepEqual([v.verdict.verdict, v.verdict.covered, v.bundleProblems], ['verified', { events: 9, streams: 3 }, undefined]);

    const filtered = join(tmp.path, 'filtered.tar.gz');
    await writeBundle(filtered, log, keys, { actions: ['s2'] });
    const f = await verifyBundle(filtered, keys.keys, unpinned);
    assert.deepEqual([f.verdict.verdict, f.verdict.covered, f.verdict.tail], ['verified', { events: 2, streams: 1 }, { events: 1, streams: 0 }]);

    const changed = join(tmp.path, 'changed.tar.gz');
    await writeBundle(changed, log, keys, { afterManifest: (files) => files.set('README.md', 'trust me\n') });
    const c = await verifyBundle(changed, keys.keys, unpinned);
    assert.equal(c.verdict.verdict, 'verified');
    assert.match(c.bundleProblems?.[0] ?? '', /^README\.md: sha256 [0-9a-f]{64} \(9 bytes\), the manifest says/);
  });

  it('a complete bundle missing a stream a checkpoint covered is stream-deleted', async () => {
    const cut: EvidenceLog = { ...log, events: log.events.filter((e) => e.streamId !== 's3') };
    const path = join(tmp.path, 'cut.tar.gz');
    await writeBundle(path, cut, keys);
    const v = await verifyBundle(path, keys.keys, unpinned);
    assert.deepEqual(v.verdict.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.streamId]), [['stream-deleted', 's3']]);
  });

  it('each tampering of a bundle, its manifest recomputed, is named; keys swapped in the bundle are caught by pinned keys', async () => {
    const forger = await rotatingKeys(undefined, { extractable: true });
    const events = () => structuredClone(log.events);
    const only = (l: EventEnvelope[], id: string) => l.filter((e) => e.streamId === id);
    const cases: Array<[string, () => Promise<EvidenceLog> | EvidenceLog, string]> = [
      ['edit, rehashed', () => {
        const e = events();
        (only(e, 's1')[0].data as { reason: string }).reason = 'edited';
        rechain(only(e, 's1'));
        return { ...log, events: e };
      }, 'head-mismatch'],
      ['delete an event', () => ({ ...log, events: log.events.filter((e) => !(e.streamId === 's1' && e.seq === 2)) }), 'chain-broken'],
      ['delete a stream', () => ({ ...log, events: log.events.filter((e) => e.streamId !== 's3') }), 'stream-deleted'],
      ['reorder', () => {
        const e = events();
        const [a, b] = only(e, 's1');
        const [i, j] = [e.indexOf(a), e.indexOf(b)];
        [e[i], e[j]] = [b, a];
        return { ...log, events: e };
      }, 'chain-broken'],
      ['truncate', () => ({ ...log, events: log.events.filter((e) => !(e.streamId === 's3' && e.seq === 3)) }), 'truncated'],
      ['forge a checkpoint', () => resign(log, 1, 'cp-a', forger.signers['cp-a']), 'checkpoint-forged'],
      ['re-sign outside the key validity', () => resign(log, 2, 'cp-a', keys.signers['cp-a']), 'key-outside-validity'],
      ['drop a checkpoint', () => ({ ...log, checkpoints: log.checkpoints.slice(1) }), 'checkpoint-chain-broken'],
      ['edit a changed list', () => {
        const data = structuredClone(log.checkpoints[0].data as CheckpointSignedData);
        data.changed.pop();
        return replaceCheckpointData(log, 1, data);
      }, 'heads-unproven'],
    ];
    for (const [name, tamper, code] of cases) {
      const path = join(tmp.path, `tampered-${name.replace(/\W+/g, '-')}.tar.gz`);
      await writeBundle(path, await tamper(), keys);
      const v = await verifyBundle(path, undefined, unpinned);
      assert.equal(v.bundleProblems, undefined, name);
      assert.ok(v.verdict.findings.some((f) => f.code === code && f.severity === 'error'), `${name}: ${JSON.stringify(v.verdict.findings.map((f) => f.code))}`);
    }
    // Every checkpoint re-signed by a forger who also put its own keys in the bundle: only pinned keys tell.
    let forged: EvidenceLog = log;
    for (const n of [1, 2]) forged = await resign(forged, n, n === 1 ? 'cp-a' : 'cp-b', forger.signers[n === 1 ? 'cp-a' : 'cp-b']);
    const path = join(tmp.path, 'forged-keys.tar.gz');
    await writeBundle(path, forged, forger);
    assert.equal((await verifyBundle(path, undefined, unpinned)).verdict.verdict, 'verified');
    const pinned = await verifyBundle(path, keys.keys, unpinned);
    assert.deepEqual(pinned.verdict.findings.filter((f) => f.severity === 'error').map((f) => f.code), ['checkpoint-forged', 'checkpoint-forged']);
  });

  it('a bundle with an entry outside its top directory, a link or a repeated name is refused; so is what is not gzip’d tar, naming the entry', async () => {
    const cases: Array<[string, Parameters<typeof writeBundle>[3], RegExp]> = [
      ['outside', { extra: [{ header: { name: 'countersign-evidence/../evil' } }] }, /"countersign-evidence\/\.\.\/evil" is outside its top directory/],
      ['other-top', { extra: [{ header: { name: 'elsewhere/x' } }] }, /"elsewhere\/x" is outside/],
      ['link', { extra: [{ header: { name: 'countersign-evidence/link', type: 'symlink', linkname: '/etc/passwd' } }] }, /is a symlink, not a file/],
      ['repeated', { extra: [{ header: { name: 'countersign-evidence/README.md' }, body: 'again' }] }, /"countersign-evidence\/README.md" appears twice/],
    ];
    for (const [name, options, error] of cases) {
      const path = join(tmp.path, `${name}.tar.gz`);
      await writeBundle(path, log, keys, options);
      await assert.rejects(verifyBundle(path, keys.keys, unpinned), error, name);
    }
    const notGzip = join(tmp.path, 'not.tar.gz');
    await writeFile(notGzip, 'plain text');
    await assert.rejects(verifyBundle(notGzip, keys.keys, unpinned), /not a readable evidence bundle/);
  });
});

describe('audit verify: the command', () => {
  let tmp: TempDir;
  before(async () => (tmp = await tempDir('countersign-verify-cli-')));
  after(() => tmp.cleanup());

  it('exits 0 with the verdict line on a good data directory, 1 naming each finding on a tampered one, 2 on a path that is not there', async () => {
    const log = await fixtureLog();
    const good = join(tmp.path, 'good');
    await writeDataDir(good, log, keys);
    const ok = await cli([good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^verified: 9 events in 3 streams under checkpoint 2 \(signed 2026-01-01T00:40:00\.000Z by cp-b\); 1 event after it not covered\n$/);
    assert.match(ok.stderr, /pin the published keys with --keys/);

    const bad = join(tmp.path, 'bad');
    await writeDataDir(bad, { ...log, events: log.events.filter((e) => !(e.streamId === 's3' && e.seq === 3)) }, keys);
    const failed = await cli([bad, '--json']);
    assert.equal(failed.code, 1);
    assert.deepEqual(JSON.parse(failed.stdout).findings.map((f: { code: string; severity: string }) => [f.code, f.severity]), [['truncated', 'error'], ['uncovered-tail', 'warning']]);
    const text = await cli([bad]);
    assert.match(text.stdout, /^FAILED: .*: 1 finding\nFAILED: truncated stream "s3" seq 3 checkpoint 2: /);

    const missing = await cli([join(tmp.path, 'nothing-here')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^countersign: .*nothing-here: cannot read it \(ENOENT\)\n$/);
  });
});
