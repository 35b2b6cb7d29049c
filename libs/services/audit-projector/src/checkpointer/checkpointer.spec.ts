import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '@nestjs/common';
import { checkpointHash, readCheckpoint, TOPICS, type ActionEvent, type CheckpointSignedEvent } from '@countersign/contracts';
import type { DeliveredRecord, EventLog, LogRecord } from '@countersign/eventlog';
import { importCheckpointKeys, newCheckpointKeyFile } from '@countersign/runtime';
import { Checkpointer } from './checkpointer.ts';

Logger.overrideLogger(false);
const keys = await importCheckpointKeys(await newCheckpointKeyFile(new Date('2026-01-01T00:00:00Z')));
const verifyKeys = new Map(keys.keys.map((k) => [k.kid, { publicKey: k.publicKey, notBefore: k.notBefore }]));

/** The part of the log the checkpointer uses: appends to the checkpoints topic, reads it back, the events' tail. */
function fakeLog(existing: CheckpointSignedEvent[] = []) {
  const checkpoints: CheckpointSignedEvent[] = [...existing];
  const record = (value: unknown, offset: number): DeliveredRecord => ({ topic: TOPICS.checkpoints, key: 'k', offset: String(offset), partition: 0, raw: '', value });
  const log = {
    append: async (topic: string, records: readonly LogRecord[]) => {
      assert.equal(topic, TOPICS.checkpoints);
      checkpoints.push(...records.map((r) => r.value as CheckpointSignedEvent));
    },
    readPartition: async (_topic: string, _p: number, onBatch: (records: DeliveredRecord[]) => void) => onBatch(checkpoints.map(record)),
    lastRecord: async () => undefined,
  } as unknown as EventLog;
  return { log, checkpoints };
}

let n = 0;
const checkpointer = (log: EventLog) => new Checkpointer(log, keys, { intervalMs: 3_600_000, log: 'countersign', eventPartitions: 1 },
  { now: () => new Date('2026-02-01T00:00:00.000Z') }, { next: () => `id-${++n}` });
const event = (streamId: string, seq: number, offset: number) => ({
  message: { streamId, seq, hash: String(seq).padStart(64, '0') } as ActionEvent,
  record: { topic: TOPICS.events, key: streamId, offset: String(offset), partition: 0, raw: '', value: undefined },
});

describe('the checkpointer, leading and signing', () => {
  it('given it does not hold partition 0, then it never signs, asked or not', async () => {
    const { log, checkpoints } = fakeLog();
    const c = checkpointer(log);
    await c.assigned([1, 2]);
    c.observe([event('a', 1, 0)]);
    c.request('r1');
    await c.onModuleDestroy();
    assert.equal(checkpoints.length, 0);
  });

  it('given a request while its last checkpoint has not come back, then it waits for it, and signs the next number after it', async () => {
    // given a leader that has signed checkpoint 1
    const { log, checkpoints } = fakeLog();
    const c = checkpointer(log);
    await c.assigned([0]);
    c.observe([event('a', 1, 0)]);
    c.request('r1');
    await c.idle();
    assert.equal(checkpoints.length, 1);
    // when heads move and a request comes before checkpoint 1 is read back
    c.observe([event('a', 2, 1), event('b', 1, 2)]);
    c.request('r2');
    await c.idle();
    // then nothing more is signed
    assert.equal(checkpoints.length, 1);
    // when checkpoint 1 comes back, then checkpoint 2 follows, chained, with what changed since, caused by the request
    c.confirm(checkpoints.slice(0, 1));
    await c.idle();
    assert.equal(checkpoints.length, 2);
    const [one, two] = checkpoints;
    const [read1, read2] = await Promise.all([readCheckpoint(one.data.checkpoint, verifyKeys), readCheckpoint(two.data.checkpoint, verifyKeys)]);
    assert.ok(read1.ok && read2.ok);
    assert.deepEqual([two.seq, two.prevHash, read2.payload.prev, two.causationId], [2, one.hash, checkpointHash(read1.payload), 'r2']);
    assert.deepEqual(two.data.changed.map((h) => [h.streamId, h.seq]), [['a', 2], ['b', 1]]);
    assert.deepEqual(read2.payload.positions, { 'countersign.events/0': 3 });
  });

  it('given no head moved since the last checkpoint, then a request signs nothing', async () => {
    const { log, checkpoints } = fakeLog();
    const c = checkpointer(log);
    await c.assigned([0]);
    c.observe([event('a', 1, 0)]);
    c.request('r1');
    await c.idle();
    c.confirm(checkpoints.slice());
    c.observe([event('a', 1, 0)]); // a redelivery moves nothing
    c.request('r2');
    await c.idle();
    assert.equal(checkpoints.length, 1);
  });

  it('given a former leader\'s checkpoints on the topic, then a new leader continues their numbering, and signs a final one at shutdown', async () => {
    // given two checkpoints signed by another instance
    const before = fakeLog();
    const first = checkpointer(before.log);
    await first.assigned([0]);
    first.observe([event('a', 1, 0)]);
    first.request('r1');
    await first.idle();
    first.confirm(before.checkpoints.slice());
    first.observe([event('b', 1, 1)]);
    await first.onModuleDestroy();
    assert.equal(before.checkpoints.length, 2);
    // when another takes partition 0, reads what it has of the events, and stops
    const { log, checkpoints } = fakeLog(before.checkpoints);
    const next = checkpointer(log);
    await next.assigned([0]);
    next.observe([event('a', 1, 0), event('b', 1, 1), event('c', 1, 2)]);
    await next.onModuleDestroy();
    // then its final checkpoint is number 3, listing only the stream that moved
    assert.equal(checkpoints.length, 3);
    assert.deepEqual([checkpoints[2].seq, checkpoints[2].prevHash, checkpoints[2].data.changed.map((h) => h.streamId)], [3, checkpoints[1].hash, ['c']]);
  });

  it('given its last checkpoint never came back, then it signs no final one (never a number twice)', async () => {
    const { log, checkpoints } = fakeLog();
    const c = checkpointer(log);
    await c.assigned([0]);
    c.observe([event('a', 1, 0)]);
    c.request('r1');
    await c.idle();
    c.observe([event('a', 2, 1)]);
    const started = Date.now();
    await c.onModuleDestroy();
    assert.equal(checkpoints.length, 1);
    assert.ok(Date.now() - started < 10_000);
  });
});
