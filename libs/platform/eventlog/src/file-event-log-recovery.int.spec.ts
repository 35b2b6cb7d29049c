/**
 * Recovery of the embedded log after a crash: what is cut (only the torn tail of the last,
 * unacknowledged batch, whole, with a warning) and that every acknowledged record survives a
 * real SIGKILL. Refusals are in file-event-log-refusal.int.spec.ts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { createFileEventLog } from './file-event-log.ts';
import { encodeBatch } from './record-codec.ts';
import { readAcknowledged } from './acknowledged-file.ts';
import { crashRecord } from './testing/crash-record.ts';
import { logWith, readTopic } from './testing/log-files.ts';

const APPENDER = fileURLToPath(new URL('./testing/crash-appender.ts', import.meta.url));

/** Runs crash-appender.ts until it dies (killed by the test at `killAfter` records, or by its fault). */
async function runAppender(dir: string, args: string[], killAfter?: number): Promise<Set<number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', APPENDER, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const acknowledged = new Set<number>();
  const exited = once(child, 'exit');
  for await (const line of createInterface({ input: child.stdout })) {
    acknowledged.add(Number(line));
    if (acknowledged.size === killAfter) child.kill('SIGKILL');
  }
  const [code, signal] = await exited;
  assert.equal(signal, 'SIGKILL', `appender ended on its own (code ${code}): ${stderr}`);
  return acknowledged;
}

describe('file event log recovery', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventlog-recovery-'));
    dirs.push(dir);
    return dir;
  };
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('given a torn last line after the acknowledged length, reopening cuts it with a warning and keeps the rest', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 3);
    const goodSize = (await stat(path)).size;
    const torn = '0badc0de {"key":"k","val';
    await appendFile(path, torn);
    const warnings: string[] = [];
    const records = await readTopic(dir, 't', warnings);
    assert.deepEqual(records.map((r) => r.value), [{ n: 0 }, { n: 1 }, { n: 2 }]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`t\\.log: cutting a torn tail: ${torn.length} byte\\(s\\) from byte ${goodSize} \\(record #3 on\\): an incomplete last line of ${torn.length} byte\\(s\\); acknowledged up to byte ${goodSize} \\(3 records\\)`));
    assert.equal((await stat(path)).size, goodSize);
  });

  it('given a batch whose end never reached the disk, reopening cuts the whole batch, never half of it', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 2);
    const goodSize = (await stat(path)).size;
    // A vote and its decision, appended as one batch: the second line only half written.
    const batch = encodeBatch([{ key: 'a', raw: '{"type":"VoteRecorded"}' }, { key: 'a', raw: '{"type":"ActionDenied"}' }], [true, true]);
    const torn = batch.slice(0, batch.indexOf('\n') + 20);
    await appendFile(path, torn);
    const warnings: string[] = [];
    assert.deepEqual((await readTopic(dir, 't', warnings)).map((r) => r.value), [{ n: 0 }, { n: 1 }]);
    assert.match(warnings.join('\n'), /1 record\(s\) of a batch whose end never reached the disk \(offsets 2\.\.2\) and an incomplete last line of 19 byte\(s\)/);
    assert.equal((await stat(path)).size, goodSize);
    // The same batch appended again after recovery is whole.
    const log = await createFileEventLog({ dir, log: () => undefined });
    await log.append('t', [{ key: 'a', value: { type: 'VoteRecorded' } }, { key: 'a', value: { type: 'ActionDenied' } }]);
    await log.close();
    assert.deepEqual((await readTopic(dir, 't')).map((r) => r.value), [{ n: 0 }, { n: 1 }, { type: 'VoteRecorded' }, { type: 'ActionDenied' }]);
  });

  it('given a log written before batches were marked (no acknowledged length), it opens unchanged and is acknowledged from then on', async () => {
    const dir = await freshDir();
    await mkdir(join(dir, 'topics'));
    const path = join(dir, 'topics', 't.log');
    // The earlier format: every line ends its batch, the checksum covers the payload alone.
    const legacy = ['{"key":"k","value":1}', '{"key":"k","value":2}'].map((p) => `${crc32(p).toString(16).padStart(8, '0')} ${p}\n`).join('');
    await writeFile(path, legacy);
    const warnings: string[] = [];
    assert.deepEqual((await readTopic(dir, 't', warnings)).map((r) => r.value), [1, 2]);
    assert.deepEqual(warnings, []);
    assert.equal(await readFile(path, 'utf8'), legacy);
    assert.deepEqual(await readAcknowledged(join(dir, 'topics', 't.ack')), { bytes: legacy.length, records: 2 });
  });

  it('given an acknowledged length file that was created but never written (a crash at topic creation), opens as if none was recorded', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 2);
    await writeFile(join(dir, 'topics', 't.ack'), '');
    const warnings: string[] = [];
    assert.deepEqual((await readTopic(dir, 't', warnings)).map((r) => r.value), [{ n: 0 }, { n: 1 }]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(await readAcknowledged(join(dir, 'topics', 't.ack')), { bytes: (await stat(path)).size, records: 2 });
  });

  it('when the appending process is killed with SIGKILL, every acknowledged record survives intact, in whole batches', async () => {
    const dir = await freshDir();
    const acknowledged = await runAppender(dir, ['crash'], 2000);
    const records = await readTopic(dir, 'crash');
    const byN = new Map(records.map((r) => [(r.value as { n: number }).n, r]));
    assert.equal(byN.size, records.length, 'no record twice');
    records.forEach((r, i) => assert.equal(r.offset, String(i)));
    for (const n of acknowledged) assert.ok(byN.has(n), `acknowledged record ${n} is missing`);
    for (const r of records) {
      const { n, batch } = r.value as { n: number; batch: [number, number] };
      assert.deepEqual({ key: r.key, value: r.value }, crashRecord(n, batch));
      for (let m = batch[0]; m < batch[0] + batch[1]; m += 1) assert.ok(byN.has(m), `record ${n} is there without ${m} of its batch`);
    }
  });

  it('given a power loss in the middle of a batch (the torn-append fault), the next open cuts that batch whole and keeps what was acknowledged', async () => {
    const dir = await freshDir();
    const acknowledged = await runAppender(dir, ['crash', 'torn-append']);
    const warnings: string[] = [];
    const records = await readTopic(dir, 'crash', warnings);
    assert.match(warnings.join('\n'), /cutting a torn tail: .*1 record\(s\) of a batch whose end never reached the disk .* and an incomplete last line/);
    const ns = new Set(records.map((r) => (r.value as { n: number }).n));
    for (const n of acknowledged) assert.ok(ns.has(n), `acknowledged record ${n} is missing`);
    for (const r of records) {
      const [first, size] = (r.value as { batch: [number, number] }).batch;
      for (let m = first; m < first + size; m += 1) assert.ok(ns.has(m), `batch ${first} is there only in part`);
    }
  });
});
