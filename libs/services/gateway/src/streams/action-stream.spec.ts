import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ActionEvent } from '@countersign/contracts';
import { approvedExport } from '../testing/action-streams.ts';
import { ActionStream } from './action-stream.ts';

const events = approvedExport(); // six events, seq 1..6

/**
 * A stream over a read model that holds the first `projected` events (the projector's progress,
 * moved by the test), with sleeps that resolve at once but are counted.
 */
function harness(after = 0) {
  const state = { projected: 0, reads: 0, sleeps: 0, sent: [] as ActionEvent[] };
  const stream = new ActionStream(after, {
    read: async (from) => {
      state.reads += 1;
      return events.slice(0, state.projected).filter((e) => e.seq > from);
    },
    send: (event) => void state.sent.push(event),
    sleep: async () => {
      state.sleeps += 1;
      // Each pause lets the projector write one more event, as time would.
      state.projected = Math.min(events.length, state.projected + 1);
    },
  });
  return { stream, state };
}

const seqs = (list: readonly ActionEvent[]) => list.map((e) => e.seq);
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('an action stream', () => {
  it('given events in the read model and then live ones, when started, then each is sent once, in order', async () => {
    const { stream, state } = harness();
    state.projected = 3;
    stream.offer(await Promise.resolve(events.slice(0, 3)));
    stream.start();
    stream.live(events[2]); // delivered by the follower too: a duplicate
    stream.live(events[3]);
    stream.live(events[4]);
    assert.deepEqual(seqs(state.sent), [1, 2, 3, 4, 5]);
    assert.equal(state.reads, 0, 'nothing missing: the read model is not read again');
  });

  it('given live events before it starts, when started, then nothing was written before the headers', () => {
    const { stream, state } = harness();
    stream.live(events[0]);
    assert.deepEqual(state.sent, []);
    stream.start();
    assert.deepEqual(seqs(state.sent), [1]);
  });

  it('given Last-Event-ID 3, when events 1 to 6 arrive, then only 4 to 6 are sent', () => {
    const { stream, state } = harness(3);
    stream.start();
    stream.offer(events);
    assert.deepEqual(seqs(state.sent), [4, 5, 6]);
    assert.equal(stream.position, 6);
  });

  it('given the follower delivers seq 5 while the read model ended at 3, then 4 is read from the read model before 5 is sent', async () => {
    const { stream, state } = harness();
    state.projected = 3;
    stream.offer(events.slice(0, 3));
    stream.start();
    stream.live(events[4]);
    assert.deepEqual(seqs(state.sent), [1, 2, 3], '5 is held while 4 is missing');
    assert.ok(stream.behind);
    for (let i = 0; i < 20 && stream.behind; i++) await settle();
    assert.deepEqual(seqs(state.sent), [1, 2, 3, 4, 5]);
    assert.ok(state.reads >= 1);
  });

  it('given a view that says the action reached seq 6, when the read model is behind, then it is read until 6 is sent, and no more after', async () => {
    const { stream, state } = harness();
    stream.start();
    stream.expect(6);
    for (let i = 0; i < 50 && stream.behind; i++) await settle();
    assert.deepEqual(seqs(state.sent), [1, 2, 3, 4, 5, 6]);
    const reads = state.reads;
    await settle();
    assert.equal(state.reads, reads, 'nothing missing: no more reads');
  });

  it('given a closed stream, when events arrive, then nothing more is sent or read', async () => {
    const { stream, state } = harness();
    stream.start();
    stream.close();
    stream.live(events[0]);
    stream.expect(6);
    await settle();
    assert.deepEqual(state.sent, []);
    assert.equal(state.reads, 0);
  });

  it('however the follower and the read model interleave (duplicates, reordering, gaps), the client gets 1..6 exactly once, in order', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('live' as const), seq: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('project' as const) }),
      fc.record({ kind: fc.constant('refresh' as const) }),
    );
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.array(step, { maxLength: 30 }), async (initially, steps) => {
      const { stream, state } = harness();
      state.projected = initially;
      stream.offer(events.slice(0, initially));
      stream.start();
      // The follower delivers every event after it registered, in log order, perhaps twice,
      // interleaved with the test's own steps; the last event always comes live.
      for (const s of steps) {
        if (s.kind === 'live') stream.live(events[s.seq - 1]);
        else if (s.kind === 'project') state.projected = Math.min(6, state.projected + 1);
        else await stream.refresh();
        await settle();
      }
      stream.live(events[5]);
      for (let i = 0; i < 100 && stream.behind; i++) await settle();
      assert.deepEqual(seqs(state.sent), [1, 2, 3, 4, 5, 6]);
    }), { numRuns: 200 });
  });
});
