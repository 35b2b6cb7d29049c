import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AbandonedRead, ReadBulkhead, SkippedRead } from './read-bulkhead.ts';

/** A query the test answers by hand, recording that it was sent. */
function heldQuery(sent: string[], name: string) {
  let answer!: (value: string) => void;
  const query = () => {
    sent.push(name);
    return new Promise<string>((resolve) => (answer = resolve));
  };
  return { query, answer: () => answer(name) };
}

describe('read bulkhead', () => {
  it('given the limit of queries outstanding, then the next waits, and is sent when one is answered', async () => {
    const bulkhead = new ReadBulkhead(2);
    const sent: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => heldQuery(sent, n));
    const results = [a, b, c].map((q) => bulkhead.run(q.query, () => false));
    await Promise.resolve();
    assert.deepEqual(sent, ['a', 'b']);
    assert.deepEqual(bulkhead.load, { active: 2, queued: 1, abandoned: 0 });
    a.answer();
    assert.equal(await results[0], 'a');
    assert.deepEqual(sent, ['a', 'b', 'c']);
    b.answer();
    c.answer();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
    assert.deepEqual(bulkhead.load, { active: 0, queued: 0, abandoned: 0 });
  });

  it('given a waiting query whose caller gave up, then it is never sent, and the next one is', async () => {
    const bulkhead = new ReadBulkhead(1);
    const sent: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => heldQuery(sent, n));
    let bGaveUp = false;
    const first = bulkhead.run(a.query, () => false);
    const second = bulkhead.run(b.query, () => bGaveUp);
    const third = bulkhead.run(c.query, () => false);
    bGaveUp = true;
    a.answer();
    await first;
    await assert.rejects(second, SkippedRead);
    await Promise.resolve();
    assert.deepEqual(sent, ['a', 'c']);
    c.answer();
    assert.equal(await third, 'c');
  });

  it('given a query that fails, then its slot is freed all the same', async () => {
    const bulkhead = new ReadBulkhead(1);
    await assert.rejects(bulkhead.run(() => Promise.reject(new Error('down')), () => false), /down/);
    assert.equal(await bulkhead.run(async () => 'next', () => false), 'next');
  });

  it('given the waiting room full, then a read is refused at once', async () => {
    const bulkhead = new ReadBulkhead(1);
    const sent: string[] = [];
    const held = heldQuery(sent, 'held');
    const running = bulkhead.run(held.query, () => false);
    const waiting = Array.from({ length: ReadBulkhead.MAX_QUEUED }, () => bulkhead.run(async () => 'later', () => false));
    await assert.rejects(bulkhead.run(async () => 'too many', () => false), /reads already wait/);
    held.answer();
    await running;
    assert.equal((await Promise.all(waiting)).length, ReadBulkhead.MAX_QUEUED);
  });

  it('given a query the server never answers, when the bound passes, then its slot is taken back, it is counted, and a late answer changes nothing', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const events: string[] = [];
    const bulkhead = new ReadBulkhead(1, { abandonAfterMs: 30_000, onAbandoned: (n) => events.push(`abandoned ${n}`), onAnswered: () => events.push('answered') });
    const sent: string[] = [];
    const [hung, next] = ['hung', 'next'].map((n) => heldQuery(sent, n));
    const first = bulkhead.run(hung.query, () => false);
    const second = bulkhead.run(next.query, () => false);
    await Promise.resolve();
    assert.deepEqual(bulkhead.load, { active: 1, queued: 1, abandoned: 0 });
    t.mock.timers.tick(29_999);
    assert.deepEqual(sent, ['hung']);
    t.mock.timers.tick(1);
    await assert.rejects(first, AbandonedRead);
    assert.deepEqual(sent, ['hung', 'next'], 'the waiting query got the slot');
    assert.deepEqual(bulkhead.load, { active: 1, queued: 0, abandoned: 1 });
    hung.answer();
    await Promise.resolve();
    assert.deepEqual(bulkhead.load, { active: 1, queued: 0, abandoned: 1 }, 'the late answer freed nothing twice');
    next.answer();
    assert.equal(await second, 'next');
    assert.deepEqual(bulkhead.load, { active: 0, queued: 0, abandoned: 1 });
    assert.deepEqual(events, ['abandoned 1', 'answered']);
  });
});
