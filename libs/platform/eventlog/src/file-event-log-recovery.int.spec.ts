import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DeliveredRecord } from './event-log.port.ts';
import { createFileEventLog } from './file-event-log.ts';
import { crashRecord } from './testing/crash-record.ts';

const APPENDER = fileURLToPath(new URL('./testing/crash-appender.ts', import.meta.url));

async function readTopic(dir: string, topic: string, warnings: string[] = []): Promise<DeliveredRecord[]> {
  const log = await createFileEventLog({ dir, log: (m) => warnings.push(m) });
  const records: DeliveredRecord[] = [];
  await log.readAll(topic, (batch) => void records.push(...batch));
  await log.close();
  return records;
}

async function logWith(dir: string, count: number): Promise<string> {
  const log = await createFileEventLog({ dir, log: () => undefined });
  await log.append('t', Array.from({ length: count }, (_, n) => ({ key: 'k', value: { n } })));
  await log.close();
  return join(dir, 'topics', 't.log');
}

describe('file event log recovery', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventlog-recovery-'));
    dirs.push(dir);
    return dir;
  };
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('given a torn last record, reopening truncates it with a warning and keeps the rest', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 3);
    const goodSize = (await stat(path)).size;
    const torn = '0badc0de {"key":"k","val';
    await appendFile(path, torn);
    const warnings: string[] = [];
    const records = await readTopic(dir, 't', warnings);
    assert.deepEqual(records.map((r) => r.value), [{ n: 0 }, { n: 1 }, { n: 2 }]);
    assert.match(warnings.join('\n'), new RegExp(`truncating ${torn.length} damaged byte\\(s\\) after record #3 \\(incomplete last record\\)`));
    assert.equal((await stat(path)).size, goodSize);
  });

  it('given a damaged complete last line and zeros after it, reopening truncates both', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 2);
    await appendFile(path, Buffer.concat([Buffer.from('00000000 {"key":"k","value":1}\n'), Buffer.alloc(4096)]));
    const records = await readTopic(dir, 't');
    assert.equal(records.length, 2);
    await logWith(dir, 1); // appending after recovery continues cleanly
    assert.deepEqual((await readTopic(dir, 't')).map((r) => [r.offset, r.value]), [['0', { n: 0 }], ['1', { n: 1 }], ['2', { n: 0 }]]);
  });

  it('given corruption before valid records, opening fails with the file, record and byte, and changes nothing', async () => {
    const dir = await freshDir();
    const path = await logWith(dir, 3);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"n":1', '"n":7');
    await writeFile(path, lines.join('\n'));
    const before = await readFile(path, 'utf8');
    await assert.rejects(createFileEventLog({ dir, log: () => undefined }), (error: Error) => {
      assert.match(error.message, new RegExp(`${path}: record #1 at byte ${lines[0].length + 1} is corrupt \\(checksum mismatch\\)`));
      assert.match(error.message, /refusing to open/);
      return true;
    });
    assert.equal(await readFile(path, 'utf8'), before);
  });

  it('when the appending process is killed with SIGKILL, every acknowledged record survives intact', async () => {
    const dir = await freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', APPENDER, dir, 'crash'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const acknowledged = new Set<number>();
    const exited = once(child, 'exit');
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged.add(Number(line));
      if (acknowledged.size === 2000) child.kill('SIGKILL');
    }
    const [code, signal] = await exited;
    assert.equal(signal, 'SIGKILL', `appender ended on its own (code ${code}): ${stderr}`);

    const records = await readTopic(dir, 'crash');
    const byN = new Map(records.map((r) => [(r.value as { n: number }).n, r]));
    assert.equal(byN.size, records.length, 'no record twice');
    records.forEach((r, i) => assert.equal(r.offset, String(i)));
    for (const n of acknowledged) {
      const record = byN.get(n);
      assert.ok(record, `acknowledged record ${n} is missing`);
      assert.deepEqual({ key: record.key, value: record.value }, crashRecord(n));
    }
  });
});
