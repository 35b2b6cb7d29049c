import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryReadModelStore, type ReadModelStore } from '@countersign/readmodel';
import { createReadiness } from '@countersign/runtime';
import { DeadlineExceeded, guardReadModels, READ_PROBE_MS, withDeadline } from './infrastructure.ts';
import { Problem } from './problem.ts';

const never = new Promise<never>(() => undefined);

describe('bounded calls to infrastructure', () => {
  it('given work that never ends, then the deadline answers instead', async () => {
    await assert.rejects(withDeadline(never, 20), DeadlineExceeded);
  });

  it('given work that fails after its deadline, then the late failure is handled, not left unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      let fail!: (e: Error) => void;
      const late = new Promise<never>((_, reject) => (fail = reject));
      await assert.rejects(withDeadline(late, 5), DeadlineExceeded);
      fail(new Error('too late'));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('given a read model that fails or hangs, then every read is a 503 with Retry-After', async () => {
    // A store whose reads fail as a dropped database's do, and one whose reads never answer.
    const failing: ReadModelStore = { ...createMemoryReadModelStore(), collection: () => ({ get: () => Promise.reject(new Error('MongoServerSelectionError')), find: () => never, count: () => never, putMany: async () => undefined, drop: async () => undefined }) };
    const guarded = guardReadModels(failing, 20, 4).collection('actions');
    for (const read of [() => guarded.get('a'), () => guarded.find({}), () => guarded.count({})]) {
      await assert.rejects(read(), (e: unknown) => e instanceof Problem && e.status === 503 && e.headers['Retry-After'] === '5' && e.code === 'read-model-unavailable');
    }
  });

  it('given a working read model, then reads pass through unchanged', async () => {
    const store = createMemoryReadModelStore();
    await store.collection('actions').putMany([{ _id: 'a', status: 'pending' }]);
    assert.deepEqual(await guardReadModels(store, 1000, 4).collection('actions').get('a'), { _id: 'a', status: 'pending' });
  });

  it('given reads the server never answers, when the bound passes, then the gateway is not ready, probes by itself, and is ready again once a read is answered', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    let answering = false;
    const base = createMemoryReadModelStore();
    const hanging: ReadModelStore = { ...base, collection: ((name: string) => {
      const c = base.collection(name);
      return { ...c, get: (id: string) => (answering ? c.get(id) : never) };
    }) as ReadModelStore['collection'] };
    const readiness = createReadiness();
    const read = guardReadModels(hanging, 1_000, 2, readiness).collection('actions').get('a');
    t.mock.timers.tick(1_000);
    await assert.rejects(read, (e: unknown) => e instanceof Problem && e.status === 503);
    assert.deepEqual(readiness.problems(), {}, 'one slow read is a 503, not yet a sick gateway');
    t.mock.timers.tick(29_000);
    assert.match(readiness.problems()['read-model'] ?? '', /unanswered \(1 abandoned after 30000 ms\)/);
    t.mock.timers.tick(READ_PROBE_MS);
    await settle();
    assert.ok(readiness.problems()['read-model'], 'still down: the probe got no answer either');
    answering = true;
    t.mock.timers.tick(READ_PROBE_MS);
    for (let i = 0; i < 5; i += 1) await settle();
    assert.deepEqual(readiness.problems(), {}, 'the probe was answered: ready again without any request');
  });
});
