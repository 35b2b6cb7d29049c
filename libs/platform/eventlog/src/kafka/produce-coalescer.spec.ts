import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StagedOutput } from './batch-writer.ts';
import { bytesOf, chunkBySize, MAX_REQUEST_BYTES, ProduceCoalescer } from './produce-coalescer.ts';

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

describe('request size bounds', () => {
  const big = (topic: string, n: number, size: number) => ({ topic, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(size) })) });

  it('given transaction output larger than a request, then it is split into requests under the bound, every record once, in order', () => {
    const output = [big('events', 1500, 1200), big('policies', 2, 10)];
    const chunks = chunkBySize(output);
    assert.ok(chunks.length >= 3);
    for (const chunk of chunks) assert.ok(bytesOf(chunk) <= MAX_REQUEST_BYTES);
    assert.deepEqual(chunks.flat().flatMap((s) => s.messages.map((m) => `${s.topic}/${m.key}`)), output.flatMap((s) => s.messages.map((m) => `${s.topic}/${m.key}`)));
  });

  it('given appends waiting whose total exceeds a request, then they go in several requests, none split', async () => {
    const s = manualSender();
    const c = new ProduceCoalescer(s.send);
    const first = c.send([out('a', '0')]);
    const appends = [0, 1, 2].map(() => c.send([big('a', 300, 1000)]));
    s.requests[0].done();
    await first;
    assert.equal(s.requests[1].topicMessages[0].messages.length, 300, 'one append per request: two would pass the bound');
    s.requests[1].done();
    await appends[0];
    s.requests[2].done();
    await appends[1];
    s.requests[3].done();
    await appends[2];
  });
});
