import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateKeyPair } from 'jose';
import {
  AccumulatedRoot, checkpointHash, committedHeads, GENESIS_HASH, headsRoot, readCheckpoint, signCheckpoint, validateCheckpointEvent, verifyChain,
  type CheckpointSignedEvent, type EventEnvelope, type StreamHead,
} from '@countersign/contracts';
import { changedHeads, checkpointEvents, lastOf, NO_CHECKPOINT, planCheckpoints, type Head, type LastCheckpoint } from './checkpoint-plan.ts';

const key = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const keys = new Map([['checkpoint-a', { publicKey: key.publicKey, notBefore: '2026-01-01T00:00:00.000Z' }]]);
const hash = (n: number) => n.toString(16).padStart(64, '0');
const heads = (entries: Array<[string, number]>) => new Map<string, Head>(entries.map(([id, seq]) => [id, { seq, hash: hash(seq) }]));
const AT = '2026-03-01T12:00:00.000Z';
let counter = 0;
const newId = () => `id-${++counter}`;

/** Plans, signs and seals one round, as the checkpointer does. */
async function round(last: LastCheckpoint, committed: Map<string, Head>, seen: Map<string, Head>, maxChanged?: number) {
  const planned = planCheckpoints({ last, committed, seen, at: AT, log: 'countersign', positions: { 'countersign.events/0': 7 }, ...(maxChanged ? { maxChanged } : {}) });
  const signed = await Promise.all(planned.map(async (c) => ({ ...c, jws: await signCheckpoint(c.payload, { kid: 'checkpoint-a', privateKey: key.privateKey }) })));
  return { planned, events: checkpointEvents(signed, last, { newId }) };
}

describe('the checkpointer: what changed and what it signs', () => {
  it('a head changed when it is new or further than committed; equal or behind is unchanged', () => {
    const changed = changedHeads(heads([['b', 3], ['a', 2], ['c', 1], ['d', 4]]), heads([['a', 2], ['b', 1], ['d', 5]]));
    assert.deepEqual(changed, [{ streamId: 'b', seq: 3, hash: hash(3) }, { streamId: 'c', seq: 1, hash: hash(1) }]);
  });

  it('given no head moved, then nothing is signed', async () => {
    const { planned } = await round(NO_CHECKPOINT, heads([['a', 2]]), heads([['a', 2]]));
    assert.deepEqual(planned, []);
  });

  it('given a fresh log, then checkpoint 1 lists every head, commits to their root and verifies under the key', async () => {
    // given three streams seen and no checkpoint yet
    const seen = heads([['s1', 3], ['s2', 1], ['s3', 2]]);
    // when a round is signed
    const { planned, events } = await round(NO_CHECKPOINT, new Map(), seen);
    // then one checkpoint, number 1 after genesis, over all three heads
    assert.equal(events.length, 1);
    const [event] = events;
    assert.deepEqual([event.seq, event.prevHash, event.streamId, event.type, event.actor], [1, GENESIS_HASH, 'countersign.checkpoints', 'CheckpointSigned', { id: 'checkpointer', kind: 'service' }]);
    assert.equal(event.data.changed.length, 3);
    const read = await readCheckpoint(event.data.checkpoint, keys, { log: 'countersign' });
    assert.ok(read.ok);
    assert.deepEqual(read.payload, planned[0].payload);
    assert.equal(read.payload.root, headsRoot([...seen].map(([streamId, h]) => ({ streamId, ...h }))));
    assert.deepEqual([read.payload.number, read.payload.streams, read.payload.prev, read.payload.at], [1, 3, GENESIS_HASH, AT]);
    assert.equal(event.occurredAt, AT);
    assert.ok(validateCheckpointEvent(event).ok);
    assert.deepEqual(lastOf(event as CheckpointSignedEvent), { number: 1, payloadHash: read.hash, eventHash: event.hash });
  });

  it('given more changes than a checkpoint may list, then consecutive chained checkpoints split them, the last covering all', async () => {
    const seen = heads([['a', 1], ['b', 1], ['c', 1], ['d', 1], ['e', 1]]);
    const last: LastCheckpoint = { number: 4, payloadHash: hash(44), eventHash: hash(45) };
    const { planned, events } = await round(last, heads([['z', 9]]), seen, 2);
    assert.deepEqual(planned.map((c) => c.changed.map((h) => h.streamId)), [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(planned.map((c) => [c.payload.number, c.payload.streams]), [[5, 3], [6, 5], [7, 6]]);
    assert.deepEqual(planned.map((c) => c.payload.prev), [hash(44), checkpointHash(planned[0].payload), checkpointHash(planned[1].payload)]);
    assert.deepEqual(events.map((e) => [e.seq, e.prevHash]), [[5, hash(45)], [6, events[0].hash], [7, events[1].hash]]);
  });

  it('given changed heads of long stream ids, then the byte bound splits them before the count does', () => {
    const seen = new Map([...'abcde'].map((c): [string, Head] => [c.repeat(400), { seq: 1, hash: hash(1) }]));
    const planned = planCheckpoints({ last: NO_CHECKPOINT, committed: new Map(), seen, at: AT, log: 'countersign', positions: {}, maxChangedBytes: 1000 });
    assert.deepEqual(planned.map((c) => c.changed.length), [2, 2, 1]);
    assert.deepEqual(planned.map((c) => c.payload.number), [1, 2, 3]);
  });

  it('property: a kept tree (AccumulatedRoot, moved on by each plan) plans exactly what a tree built anew does', () => {
    const moves = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 3 })), { maxLength: 12 }), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(moves, fc.integer({ min: 1, max: 5 }), (rounds, maxChanged) => {
      const seen = new Map<string, Head>();
      const committed = new Map<string, Head>();
      const kept = new AccumulatedRoot();
      let last = NO_CHECKPOINT;
      for (const roundMoves of rounds) {
        for (const [stream, step] of roundMoves) {
          const seq = (seen.get(`s${stream}`)?.seq ?? 0) + step;
          seen.set(`s${stream}`, { seq, hash: hash(seq * 100 + stream) });
        }
        const input = { last, committed, seen, at: AT, log: 'countersign', positions: {}, maxChanged };
        const anew = planCheckpoints(input);
        assert.deepEqual(planCheckpoints({ ...input, roots: kept }), anew);
        for (const c of anew) for (const h of c.changed) committed.set(h.streamId, { seq: h.seq, hash: h.hash });
        if (anew.length > 0) last = { number: anew.at(-1)!.payload.number, payloadHash: checkpointHash(anew.at(-1)!.payload), eventHash: GENESIS_HASH };
      }
    }), { numRuns: 100 });
  });

  it('property: over any rounds of head moves, the changed lists accumulate to each signed root and the stream of checkpoints chains', async () => {
    const moves = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 3 })), { maxLength: 8 }), { minLength: 1, maxLength: 6 });
    await fc.assert(fc.asyncProperty(moves, fc.integer({ min: 1, max: 4 }), async (rounds, maxChanged) => {
      const seen = new Map<string, Head>();
      let committed = new Map<string, Head>();
      let last = NO_CHECKPOINT;
      const all: EventEnvelope[] = [];
      for (const roundMoves of rounds) {
        for (const [stream, step] of roundMoves) {
          const seq = (seen.get(`s${stream}`)?.seq ?? 0) + step;
          seen.set(`s${stream}`, { seq, hash: hash(seq * 100 + stream) });
        }
        const { events } = await round(last, committed, seen, maxChanged);
        for (const event of events) {
          const read = await readCheckpoint(event.data.checkpoint, keys);
          assert.ok(read.ok);
          assert.ok(event.data.changed.length <= maxChanged);
          all.push(event);
          const accumulated = committedHeads(all.map((e) => e.data as { changed: StreamHead[] }));
          assert.equal(read.payload.root, headsRoot([...accumulated].map(([streamId, h]) => ({ streamId, ...h }))));
          assert.equal(read.payload.prev, last.payloadHash);
          last = lastOf(event as CheckpointSignedEvent);
        }
        committed = committedHeads(all.map((e) => e.data as { changed: StreamHead[] }));
        // every head seen is now committed as seen
        assert.deepEqual(changedHeads(seen, committed), []);
      }
      const chain = verifyChain(all);
      assert.ok(chain.ok);
      assert.deepEqual(chain.head, all.length === 0 ? undefined : { seq: all.length, hash: all.at(-1)!.hash });
    }), { numRuns: 40 });
  });
});
