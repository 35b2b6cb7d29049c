import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from 'jose';
import type { EventEnvelope } from '../envelope.ts';
import { computeEventHash } from '../hash-chain.ts';
import type { CheckpointSignedData } from './checkpoint-event.ts';
import { EvidenceWriter, rechain, renumber, replaceCheckpointData, resign, rotatingKeys } from './evidence-fixture.ts';
import { verifyEvidence, type VerifyEvidenceInput } from './verify-evidence.ts';
import type { LogVerdict } from './verify-log.ts';

const fixture = await rotatingKeys();
const { keys } = fixture;

/**
 * s1..s3 written, checkpoint 1 (cp-a), more, checkpoint 2 (cp-a), more, checkpoint 3 (cp-b, after
 * the rotation at minute 30), then an uncovered tail: one more event of s1 and a new stream s4.
 */
async function writeLog() {
  const w = new EvidenceWriter(fixture);
  w.write('s1', 3); w.write('s2', 2); w.write('s1', 1); w.write('s3', 2);
  await w.checkpoint(10);
  w.write('s2', 2); w.write('s3', 1);
  await w.checkpoint(20);
  w.write('s1', 2);
  await w.checkpoint(40);
  w.write('s1', 1); w.write('s4', 2);
  return { events: structuredClone(w.events), checkpoints: structuredClone(w.checkpoints) };
}

type Log = Awaited<ReturnType<typeof writeLog>>;
const verify = (log: Log, more: Partial<VerifyEvidenceInput> = {}) => verifyEvidence({ ...log, keys, log: 'test', scope: 'complete', ...more });
const errorsOf = (v: LogVerdict) => v.findings.filter((f) => f.severity === 'error').map((f) => ({ code: f.code, streamId: f.streamId, seq: f.seq, checkpoint: f.checkpoint }));
const errors = async (log: Log, more: Partial<VerifyEvidenceInput> = {}) => errorsOf(await verify(log, more));
const stream = (log: Log, id: string) => log.events.filter((e) => e.streamId === id);
const at = (log: Log, id: string, seq: number) => log.events.findIndex((e) => e.streamId === id && e.seq === seq);
const without = (log: Log, drop: (e: EventEnvelope) => boolean): Log => ({ ...log, events: log.events.filter((e) => !drop(e)) });
const err = (code: string, streamId?: string, seq?: number, checkpoint?: number) => ({ code, streamId, seq, checkpoint });
async function* slowly<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('verifyEvidence, given an untampered log', () => {
  it('across a key rotation, it verifies: covered events under checkpoint 3, the tail as a warning', async () => {
    const v = await verify(await writeLog());
    assert.equal(v.verdict, 'verified');
    assert.deepEqual(v.covered, { events: 13, streams: 3 });
    assert.deepEqual(v.tail, { events: 3, streams: 1 });
    assert.deepEqual(v.findings.map((f) => [f.code, f.severity]), [['uncovered-tail', 'warning']]);
    assert.equal(v.checkpoint?.number, 3);
    assert.equal(v.kid, 'cp-b');
  });

  it('in any interleaving of streams, read asynchronously, the verdict is the same', async () => {
    const log = await writeLog();
    const byStream = ['s4', 's3', 's2', 's1'].flatMap((id) => stream(log, id));
    const v = await verifyEvidence({ checkpoints: slowly(log.checkpoints), events: slowly(byStream), keys, scope: 'complete' });
    assert.deepEqual(v, await verify(log));
  });

  it('without any checkpoint, every event is the uncovered tail and nothing is called covered', async () => {
    const v = await verify({ ...(await writeLog()), checkpoints: [] });
    assert.equal(v.verdict, 'verified');
    assert.deepEqual([v.covered, v.tail], [{ events: 0, streams: 0 }, { events: 16, streams: 4 }]);
    assert.match(v.findings[0].detail, /there is no verified checkpoint/);
  });

  it('a filtered bundle verifies with only its streams, and misses a stream of its scope', async () => {
    const log = await writeLog();
    const only = without(log, (e) => e.streamId !== 's2');
    assert.equal((await verify(only, { scope: new Set(['s2']) })).verdict, 'verified');
    assert.deepEqual(await errors(only, { scope: new Set(['s2', 's3']) }), [err('stream-deleted', 's3', 3, 1)]);
  });
});

describe('verifyEvidence, when the events are tampered with', () => {
  it('an event edited without recomputing its hash is event-edited', async () => {
    const log = await writeLog();
    (log.events[at(log, 's2', 2)].data as { reason: string }).reason = 'edited';
    assert.deepEqual(await errors(log), [err('event-edited', 's2', 2)]);
  });

  it('an event edited and its stream rehashed is head-mismatch at every committed head after it', async () => {
    const log = await writeLog();
    (log.events[at(log, 's1', 2)].data as { reason: string }).reason = 'edited';
    rechain(stream(log, 's1'));
    assert.deepEqual(await errors(log), [err('head-mismatch', 's1', 4, 1), err('head-mismatch', 's1', 6, 3)]);
  });

  it('an event deleted is chain-broken where the gap is; renumbered and rehashed, head-mismatch', async () => {
    const log = await writeLog();
    assert.deepEqual(await errors(without(log, (e) => e.streamId === 's1' && e.seq === 5)), [err('chain-broken', 's1', 6)]);
    const covered = without(log, (e) => e.streamId === 's2' && e.seq === 1);
    renumber(stream(covered, 's2'));
    assert.deepEqual(await errors(covered), [err('head-mismatch', 's2', 2, 1), err('truncated', 's2', 4, 2)]);
  });

  it('a whole stream deleted is stream-deleted, named with the first checkpoint that covered it', async () => {
    assert.deepEqual(await errors(without(await writeLog(), (e) => e.streamId === 's3')), [err('stream-deleted', 's3', 3, 1)]);
  });

  it('two events swapped, or one inserted, is chain-broken', async () => {
    const swapped = await writeLog();
    const [i, j] = [at(swapped, 's2', 3), at(swapped, 's2', 4)];
    [swapped.events[i], swapped.events[j]] = [swapped.events[j], swapped.events[i]];
    assert.deepEqual(await errors(swapped), [err('chain-broken', 's2', 4), err('chain-broken', 's2', 3)]);

    const inserted = await writeLog();
    const before = inserted.events[at(inserted, 's3', 1)];
    const extra = { ...structuredClone(before), id: 'forged', seq: 2, prevHash: before.hash };
    extra.hash = computeEventHash(extra);
    inserted.events.splice(at(inserted, 's3', 1) + 1, 0, extra);
    assert.deepEqual(await errors(inserted), [err('head-mismatch', 's3', 2, 1), err('chain-broken', 's3', 2)]);
  });

  it('the covered tail of a stream cut off is truncated, named with the checkpoint that covered it', async () => {
    const log = without(await writeLog(), (e) => e.streamId === 's3' && e.seq === 3);
    assert.deepEqual(await errors(log), [err('truncated', 's3', 3, 2)]);
  });

  it('what is not an event is event-malformed, and the rest is still verified', async () => {
    const log = await writeLog();
    log.events.splice(3, 0, { streamId: 's9', seq: 'x' } as unknown as EventEnvelope, null as unknown as EventEnvelope);
    assert.deepEqual((await errors(log)).map((f) => [f.code, f.streamId]), [['event-malformed', 's9'], ['event-malformed', undefined]]);
  });

  it('findings are bounded: past the bound they are counted (the warning too), and the verdict still fails', async () => {
    const log = await writeLog();
    for (const e of log.events) (e.data as { reason: string }).reason = 'edited';
    const v = await verify(log, { maxFindings: 2 });
    assert.deepEqual([v.verdict, v.findings.length, v.omitted], ['failed', 2, 15]);
  });
});

const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });

describe('verifyEvidence, when the checkpoints are tampered with', () => {
  it('a checkpoint signed by an unknown key is unknown-key; under a known kid by another key, checkpoint-forged', async () => {
    const log = await writeLog();
    assert.deepEqual(await errors(await resign(log, 2, 'cp-x', other.privateKey)), [err('unknown-key', 'countersign.checkpoints', 2, 2)]);
    assert.deepEqual(await errors(await resign(log, 2, 'cp-a', other.privateKey)), [err('checkpoint-forged', 'countersign.checkpoints', 2, 2)]);
  });

  it('a checkpoint re-signed with a key outside its validity is key-outside-validity', async () => {
    const log = await writeLog();
    assert.deepEqual(await errors(await resign(log, 3, 'cp-a', fixture.signers['cp-a'])), [err('key-outside-validity', 'countersign.checkpoints', 3, 3)]);
  });

  it('a checkpoint dropped breaks the checkpoints chain and leaves the next one unproven', async () => {
    const log = await writeLog();
    const dropped = { ...log, checkpoints: [log.checkpoints[0], log.checkpoints[2]] };
    assert.deepEqual(await errors(dropped), [
      err('checkpoint-chain-broken', 'countersign.checkpoints', 3, 3), err('heads-unproven', undefined, undefined, 3),
    ]);
  });

  it('a changed list edited (the record rehashed) is heads-unproven; not rehashed, the record is event-edited too', async () => {
    const log = await writeLog();
    const data = structuredClone(log.checkpoints[0].data as CheckpointSignedData);
    data.changed = data.changed.filter((h) => h.streamId !== 's3');
    assert.deepEqual(await errors(replaceCheckpointData(log, 1, data)), [err('heads-unproven', undefined, undefined, 1)]);
    const unhashed = structuredClone(log);
    unhashed.checkpoints[0].data = data;
    assert.deepEqual((await errors(unhashed)).map((f) => f.code), ['event-edited', 'heads-unproven']);
  });

  it("a record whose copy of the signed numbers differs is checkpoint-forged; another log's checkpoint too", async () => {
    const log = await writeLog();
    const data = { ...(log.checkpoints[1].data as CheckpointSignedData), streams: 9 };
    assert.deepEqual(await errors(replaceCheckpointData(log, 2, data)), [err('checkpoint-forged', 'countersign.checkpoints', 2, 2)]);
    assert.deepEqual((await errors(log, { log: 'another' })).map((f) => f.code), ['checkpoint-forged', 'checkpoint-forged', 'checkpoint-forged']);
  });

  it('a head that goes back between checkpoints is checkpoint-inconsistent', async () => {
    const log = await writeLog();
    const data = structuredClone(log.checkpoints[2].data as CheckpointSignedData);
    const first = (log.checkpoints[0].data as CheckpointSignedData).changed.find((h) => h.streamId === 's2')!;
    data.changed.push(first);
    assert.deepEqual((await errors(replaceCheckpointData(log, 3, data))).map((f) => [f.code, f.streamId]), [['checkpoint-inconsistent', 's2'], ['heads-unproven', undefined]]);
  });
});
