import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StagedOutput } from './batch-writer.ts';
import { ProduceCoalescer } from './produce-coalescer.ts';

const out = (topic: string, ...values: string[]): StagedOutput => ({ topic, messages: values.map((value) => ({ key: value, value })) });

/** A sendBatch whose requests the test completes by hand. */
function manualSender() {
  const requests: Array<{ topicMessages: StagedOutput[]; done: () => void; fail: (e: Error) => void }> = [];
  const send = (topicMessages: StagedOutput[]) => new Promise<void>((done, fail) => void requests.push({ topicMessages, done, fail }));
  return { requests, send };
}

describe('produce group commit', () => {
  it('given nothing in flight, when one append comes, then it is sent at once, alone', () => {
    const s = manualSender();
    void new ProduceCoalescer(s.send).send([out('a', '1')]);
    assert.equal(s.requests.length, 1);
    assert.deepEqual(s.requests[0].topicMessages, [out('a', '1')]);
  });

  it('given a request in flight, when appends come, then they go together in the next request, in order, by topic', async () => {
    const s = manualSender();
    const c = new ProduceCoalescer(s.send);
    const first = c.send([out('a', '1')]);
    const second = c.send([out('a', '2')]);
    const third = c.send([out('b', '3'), out('a', '4')]);
    assert.equal(s.requests.length, 1, 'nothing else sent while the first is in flight');
    s.requests[0].done();
    await first;
    assert.equal(s.requests.length, 2);
    assert.deepEqual(s.requests[1].topicMessages, [out('a', '2', '4'), out('b', '3')]);
    s.requests[1].done();
    await Promise.all([second, third]);
  });

  it('given a grouped request that fails, then every append it carried fails, and later ones still go', async () => {
    const s = manualSender();
    const c = new ProduceCoalescer(s.send);
    const first = c.send([out('a', '1')]);
    const second = c.send([out('a', '2')]);
    const third = c.send([out('a', '3')]);
    s.requests[0].done();
    await first;
    s.requests[1].fail(new Error('broker away'));
    await assert.rejects(second, /broker away/);
    await assert.rejects(third, /broker away/);
    const fourth = c.send([out('a', '4')]);
    assert.equal(s.requests.length, 3);
    s.requests[2].done();
    await fourth;
  });

  it('given only empty output, then nothing is sent', async () => {
    const s = manualSender();
    await new ProduceCoalescer(s.send).send([out('a')]);
    assert.equal(s.requests.length, 0);
  });
});
