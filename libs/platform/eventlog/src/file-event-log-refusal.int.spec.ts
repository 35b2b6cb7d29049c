/**
 * What the embedded log refuses to open: anything it could only "recover" by dropping or changing
 * acknowledged data. A refusal names the file, record and byte, and changes nothing on disk.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileEventLog } from './file-event-log.ts';
import { collectDeliveries } from './testing/delivery-collector.ts';
import { logWith } from './testing/log-files.ts';
import { encodeAcknowledged } from './acknowledged-file.ts';

/** Every file under `dir` with its content. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name), await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

async function assertRefused(dir: string, message: RegExp): Promise<string> {
  const before = await snapshot(dir);
  let seen = '';
  await assert.rejects(createFileEventLog({ dir, log: (m) => assert.fail(`nothing to warn about: ${m}`) }), (error: Error) => {
    seen = error.message;
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    assert.match(error.message, /nothing was changed\. Run `countersign log check`/);
    assert.doesNotMatch(error.message, /delete/i, 'deleting files is not the advice');
    return true;
  });
  assert.deepEqual(await snapshot(dir), before, 'nothing on disk changed');
  return seen;
}

describe('file event log refusals', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventlog-refusal-'));
    dirs.push(dir);
    return dir;
  };
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** A topic of 3 batches of 2 records; the byte where each line starts. */
  async function threeBatches() {
    const dir = await freshDir();
    const path = await logWith(dir, 6, 2);
    const text = await readFile(path, 'utf8');
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return { dir, path, text, starts, ack: join(dir, 'topics', 't.ack') };
  }

  it('given a complete, acknowledged last record whose checksum no longer matches, refuses it instead of truncating it', async () => {
    const { dir, path, text, starts } = await threeBatches();
    await writeFile(path, text.slice(0, -4).concat('7}}\n')); // {"n":5} → {"n":7}
    await assertRefused(dir, new RegExp(`refusing to open ${path}: record #5 at byte ${starts[5]}: checksum mismatch, inside the acknowledged part`));
  });

  it('given the same damage after the acknowledged length (the length had not caught up), still refuses it: a complete record is never cut', async () => {
    const { dir, path, text, starts, ack } = await threeBatches();
    await writeFile(ack, encodeAcknowledged({ bytes: starts[4], records: 4 }));
    await writeFile(path, text.slice(0, -4).concat('7}}\n'));
    await assertRefused(dir, new RegExp(`record #5 at byte ${starts[5]}: checksum mismatch, after the acknowledged part`));
  });

  it('given damage before valid records, refuses it with the first damaged record', async () => {
    const { dir, path, text, starts } = await threeBatches();
    await writeFile(path, text.replace('"n":1', '"n":9'));
    await assertRefused(dir, new RegExp(`record #1 at byte ${starts[1]}: checksum mismatch`));
  });

  it('given a file cut short at a batch boundary, or inside a record, refuses it: acknowledged records are missing', async () => {
    const { dir, path, text, starts } = await threeBatches();
    await truncate(path, starts[4]);
    await assertRefused(dir, new RegExp(`record #4 at byte ${starts[4]}: the file ends at byte ${starts[4]} but ${text.length} bytes \\(6 records\\) were acknowledged`));
    await truncate(path, starts[3] + 5);
    await assertRefused(dir, new RegExp(`record #3 at byte ${starts[3]}: the file ends at byte ${starts[3] + 5} but ${text.length} bytes \\(6 records\\) were acknowledged`));
  });

  it('given a complete last record whose newline was damaged, refuses it rather than take it for a torn write', async () => {
    const { dir, path, text, starts, ack } = await threeBatches();
    await writeFile(ack, encodeAcknowledged({ bytes: starts[4], records: 4 }));
    await writeFile(path, `${text.slice(0, -1)}X`);
    await assertRefused(dir, new RegExp(`record #5 at byte ${starts[5]}: complete record with a damaged line end \\(0x58 where its newline belongs\\)`));
  });

  it('given an acknowledged length that does not match the file, refuses it', async () => {
    const { dir, ack, starts } = await threeBatches();
    await writeFile(ack, encodeAcknowledged({ bytes: starts[3], records: 3 }));
    await assertRefused(dir, new RegExp(`record #3 at byte ${starts[3]}: ${starts[3]} bytes \\(3 records\\) were acknowledged, but byte ${starts[3]} is between records #2 and #3 of one batch`));
    await writeFile(ack, encodeAcknowledged({ bytes: starts[3] + 1, records: 3 }));
    await assertRefused(dir, /but byte \d+ is inside record #3/);
    await writeFile(ack, encodeAcknowledged({ bytes: starts[4], records: 3 }));
    await assertRefused(dir, /but the batches up to there hold 4 records/);
    await writeFile(ack, encodeAcknowledged({ bytes: starts[4], records: 4 }).replace('"records":4', '"records":5')); // its crc no longer matches
    await assertRefused(dir, /record #0 at byte 0: .*t\.ack is malformed \(expected \{"bytes":B,"records":R,"crc":C\}, got "\{\\"bytes\\":\d+,\\"records\\":5,/);
  });

  it('given an acknowledged topic whose file is missing, refuses it', async () => {
    const { dir, path, text } = await threeBatches();
    await rm(path);
    await assertRefused(dir, new RegExp(`record #0 at byte 0: the file is missing but ${text.length} bytes \\(6 records\\) were acknowledged`));
  });

  it('given a checkpoint beyond the end of its topic, or a malformed one, refuses to open without advising to delete it', async () => {
    const { dir } = await threeBatches();
    const checkpoint = join(dir, 'checkpoints', 'g@t.json');
    await writeFile(checkpoint, JSON.stringify({ nextOffset: 9 }));
    await assertRefused(dir, new RegExp(`checkpoint ${checkpoint} says group g has handled 9 records of t, but the topic holds 6: records that group had handled are missing`));
    await writeFile(checkpoint, '{"nextOffset":"6"}');
    await assertRefused(dir, /checkpoint .*g@t\.json is malformed/);
    await writeFile(join(dir, 'checkpoints', 'g@never-written.json'), JSON.stringify({ nextOffset: 1 }));
    await writeFile(checkpoint, JSON.stringify({ nextOffset: 6 }));
    await assertRefused(dir, /group g has handled 1 records of never-written, but the topic holds 0/);
  });

  it('given a clean log, a checkpoint at its end is fine and the group resumes there', async () => {
    const { dir } = await threeBatches();
    await writeFile(join(dir, 'checkpoints', 'g@t.json'), JSON.stringify({ nextOffset: 6 }));
    const log = await createFileEventLog({ dir, log: (m) => assert.fail(m) });
    await log.append('t', [{ key: 'k', value: { n: 6 } }]);
    const seen = collectDeliveries();
    const sub = await log.subscribe({ group: 'g', topic: 't', handler: seen.handler });
    await seen.until(1, 'the record after the checkpoint');
    await sub.close();
    await log.close();
    assert.deepEqual(seen.records.map((r) => r.value), [{ n: 6 }]);
    assert.ok((await stat(join(dir, 'topics', 't.ack'))).isFile());
  });
});
