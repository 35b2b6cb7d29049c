import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from './record-codec.ts';
import { TopicFile } from './topic-file.ts';
import { readAcknowledged } from './acknowledged-file.ts';

describe('topic file group commit', () => {
  let dir = '';
  after(() => rm(dir, { recursive: true, force: true }));

  it('given 1000 concurrent appends, all are durable in call order, written in far fewer flushes, and acknowledged to the last byte once closed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'topic-file-'));
    const path = join(dir, 't.log');
    const file = await TopicFile.open('t', path, { log: () => undefined });
    const records = Array.from({ length: 1000 }, (_, n) => ({ key: `k${n % 10}`, raw: JSON.stringify({ n }) }));
    await Promise.all(records.map((r) => file.append(encodeRecord(r, true), [r])));
    assert.deepEqual(file.records, records);
    assert.ok(file.flushCount < 100, `expected coalesced flushes, got ${file.flushCount}`);
    await file.close();
    const size = (await readFile(path)).length;
    assert.deepEqual(await readAcknowledged(join(dir, 't.ack')), { bytes: size, records: 1000 });

    const reopened = await TopicFile.open('t', path, { log: (m) => assert.fail(`no recovery expected: ${m}`) });
    assert.deepEqual(reopened.records, records);
    await reopened.close();
  });
});
