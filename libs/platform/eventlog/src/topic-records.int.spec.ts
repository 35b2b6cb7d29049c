import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch, encodeRecord } from './record-codec.ts';
import { readTopicRecords } from './topic-records.ts';

const collect = async (path: string) => {
  const batches: string[][] = [];
  for await (const batch of readTopicRecords(path)) batches.push(batch.map((r) => r.raw));
  return batches;
};

describe('readTopicRecords', () => {
  const tmp = { path: '' };
  before(async () => (tmp.path = await mkdtemp(join(tmpdir(), 'countersign-topic-records-'))));
  after(() => rm(tmp.path, { recursive: true, force: true }));

  it('given complete batches, it yields them in order; a batch whose end never reached the disk is left out', async () => {
    const path = join(tmp.path, 'torn.log');
    const long = 'x'.repeat(3 * 1024 * 1024); // a record spanning several reads
    await writeFile(path, encodeRecord({ key: 'k', raw: '1' }, true) + encodeBatch([{ key: 'k', raw: '2' }, { key: 'k', raw: JSON.stringify(long) }], [true, true]));
    await appendFile(path, encodeBatch([{ key: 'k', raw: '4' }, { key: 'k', raw: '5' }], [true, true]).split('\n')[0] + '\n' + '0123');
    assert.deepEqual(await collect(path), [['1'], ['2', JSON.stringify(long)]]);
  });

  it('when a line is damaged, it stops with an error naming the record and byte', async () => {
    const path = join(tmp.path, 'damaged.log');
    const first = encodeRecord({ key: 'k', raw: '1' }, true);
    await writeFile(path, first + encodeRecord({ key: 'k', raw: '2' }, true).replace('"value":2', '"value":3'));
    await assert.rejects(collect(path), new RegExp(`damaged.log: record 1 \\(byte ${Buffer.byteLength(first)}\\) is damaged: checksum mismatch`));
  });
});
