import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@countersign/audit';
import { ApproverFeed, MAX_BUFFERED } from './approver-feed.ts';

const entry = (id: string, at = '2026-01-01T00:00:00.000Z') => ({ _id: id, at, type: 'ApprovalRequested' }) as AuditEntry;

function harness(pages: AuditEntry[][] = []) {
  const state = { sent: [] as string[], overflowed: false, release: () => undefined as void };
  const gate = new Promise<void>((resolve) => (state.release = resolve));
  const feed = new ApproverFeed(['alice'], {
    replay: async (_from, page) => {
      await gate;
      for (const p of pages) page(p);
    },
    send: (e) => void state.sent.push(e._id),
    overflow: () => void (state.overflowed = true),
  });
  return { feed, state };
}

describe("one connection's approver feed", () => {
  it('given live entries while the replay runs, when it ends, then they follow the replay, each once', async () => {
    const { feed, state } = harness([[entry('a:1'), entry('b:1')], [entry('c:1')]]);
    const replay = feed.replay('2026-01-01T00:00:00.000Z');
    feed.live(entry('c:1')); // also in the replay
    feed.live(entry('d:1'));
    assert.deepEqual(state.sent, [], 'nothing live overtakes the replay');
    state.release();
    await replay;
    assert.deepEqual(state.sent, ['a:1', 'b:1', 'c:1', 'd:1']);
    feed.live(entry('d:1'));
    feed.live(entry('e:1'));
    assert.deepEqual(state.sent, ['a:1', 'b:1', 'c:1', 'd:1', 'e:1']);
  });

  it('given a second replay (after the projector caught up), when it brings what was sent, then only the new entries are sent', async () => {
    const { feed, state } = harness([[entry('a:1'), entry('b:1')]]);
    state.release();
    await feed.replay('x');
    await feed.replay('x');
    assert.deepEqual(state.sent, ['a:1', 'b:1']);
  });

  it('given more live entries than it may hold while replaying, then the feed closes (the client resumes)', () => {
    const { feed, state } = harness();
    void feed.replay('x');
    for (let i = 0; i <= MAX_BUFFERED; i++) feed.live(entry(`x:${i}`));
    assert.equal(state.overflowed, true);
    feed.live(entry('late'));
    assert.deepEqual(state.sent, []);
  });
});
