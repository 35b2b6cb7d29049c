// `countersign log check` as a process, against file logs written and damaged by the test.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createFileEventLog } from '@countersign/eventlog';
import { tempDir, type TempDir } from '@countersign/testing';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function check(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['COUNTERSIGN_KAFKA_BROKERS', 'COUNTERSIGN_MONGO_URL', 'COUNTERSIGN_DATA_DIR']) delete env[name];
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/countersign.mjs'), 'log', 'check', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every file under `dir` with its content. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.set(join(e.parentPath, e.name), await readFile(join(e.parentPath, e.name), 'latin1'));
  }
  return files;
}

describe('countersign log check', () => {
  const dirs: TempDir[] = [];
  /** A data directory whose log has 2 batches on `events` and a handled checkpoint. */
  async function dataDir(prefix = 'log-check-'): Promise<{ dir: string; events: string }> {
    const temp = await tempDir(prefix);
    dirs.push(temp);
    const log = await createFileEventLog({ dir: join(temp.path, 'log'), log: () => undefined });
    await log.append('events', [{ key: 'a', value: { type: 'VoteRecorded' } }, { key: 'a', value: { type: 'ActionDenied' } }]);
    await log.append('events', [{ key: 'b', value: { type: 'ActionProposed' } }]);
    await log.close();
    await writeFile(join(temp.path, 'log', 'checkpoints', 'projector@events.json'), JSON.stringify({ nextOffset: 3 }));
    return { dir: temp.path, events: join(temp.path, 'log', 'topics', 'events.log') };
  }
  after(() => Promise.all(dirs.map((d) => d.cleanup())));

  it('given a clean log, reports its topics, batches, acknowledged length and checkpoints, and exits 0', async () => {
    const { dir, events } = await dataDir();
    const size = (await readFile(events)).length;
    const run = await check([dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^topic events: 3 record\\(s\\) in 2 batch\\(es\\), ${size} bytes, acknowledged ${size} bytes \\(3 records\\): clean$`, 'm'));
    assert.match(run.stdout, /^checkpoint projector@events: next offset 3 of 3 record\(s\): within the topic$/m);
    assert.match(run.stdout, /^result: clean: the log opens as it is \(exit 0\)$/m);
  });

  it('given a torn tail, reports what would be cut, exits 3, changes nothing; the log then cuts exactly that', async () => {
    const { dir, events } = await dataDir();
    const size = (await readFile(events)).length;
    await appendFile(events, '0123abcd+{"key":"c","val');
    const before = await snapshot(dir);
    const run = await check([join(dir, 'log'), '--json']);
    assert.equal(run.code, 3, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.result, 'torn-tail');
    assert.deepEqual(report.topics[0].verdict, { state: 'torn-tail', cut: { fromByte: size, bytes: 24, fromRecord: 3, records: 0, partialLine: 24 } });
    assert.deepEqual(await snapshot(dir), before, 'the check changed nothing');
    const warnings: string[] = [];
    await (await createFileEventLog({ dir: join(dir, 'log'), log: (m) => warnings.push(m) })).close();
    assert.match(warnings.join('\n'), new RegExp(`cutting a torn tail: 24 byte\\(s\\) from byte ${size} \\(record #3 on\\)`));
    assert.equal((await check([dir])).code, 0);
  });

  it('given an acknowledged record damaged, or a checkpoint beyond its topic, reports each with record and byte and exits 1, as the log refuses to open', async () => {
    const { dir, events } = await dataDir();
    const text = await readFile(events, 'utf8');
    await writeFile(events, text.replace('ActionDenied', 'ActionApproved'));
    await writeFile(join(dir, 'log', 'checkpoints', 'notifier@events.json'), JSON.stringify({ nextOffset: 7 }));
    const run = await check([dir]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`^topic events: 0 record\\(s\\) in 0 batch\\(es\\), .*: REFUSED: record #1 at byte ${text.indexOf('\n') + 1}: checksum mismatch, inside the acknowledged part$`, 'm'));
    assert.match(run.stdout, /^checkpoint notifier@events: next offset 7 of 0 record\(s\): REFUSED: beyond the end of the topic/m);
    assert.match(run.stdout, /^result: refused: the log would not open\. See docs\/operations\.md, "When the log is refused" \(exit 1\)$/m);
    await assert.rejects(createFileEventLog({ dir: join(dir, 'log'), log: () => undefined }), /record #1 at byte \d+: checksum mismatch/);
  });

  it('given a directory in use by a running log, checks it without waiting for or taking the lock', async () => {
    const { dir } = await dataDir();
    const running = await createFileEventLog({ dir: join(dir, 'log'), log: () => undefined });
    try {
      const run = await check([dir]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^log .* \\(in use by process ${process.pid}: this is a snapshot of a running log\\)$`, 'm'));
      await running.append('events', [{ key: 'c', value: 1 }]);
    } finally {
      await running.close();
    }
  });

  it('given no log in the directory, says where it looked, on one line, and exits 1; a path with a line break is escaped', async () => {
    const temp = await tempDir('log-check-empty-');
    dirs.push(temp);
    const odd = join(temp.path, 'a\nb');
    await mkdir(odd);
    const run = await check([odd]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^countersign: no file log in ".*a\\nb" \(expected ".*a\\nb\/log\/topics"\): give the data directory \(COUNTERSIGN_DATA_DIR\)\n$/);
  });
});
