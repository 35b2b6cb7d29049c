import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryReadModelStore } from './memory-read-model.ts';
import { readModelContract } from './read-model.contract.ts';

readModelContract('in memory', async () => ({ store: createMemoryReadModelStore(), cleanup: async () => undefined }));

describe('memory read model', () => {
  it('is not durable, so projections into it rebuild from offset 0', () => {
    assert.equal(createMemoryReadModelStore().durable, false);
  });

  it('given a document without a string _id, putMany refuses the whole batch', async () => {
    const docs = createMemoryReadModelStore().collection('c');
    await assert.rejects(docs.putMany([{ _id: 'ok' }, { _id: 7 } as never]), TypeError);
    assert.equal(await docs.count({}), 0);
  });

  it('given the same id twice in one batch, the later document wins', async () => {
    const docs = createMemoryReadModelStore().collection('c');
    await docs.putMany([{ _id: 'a', v: 1 }, { _id: 'a', v: 2 }]);
    assert.deepEqual(await docs.find({}), [{ _id: 'a', v: 2 }]);
  });

  it('given an unknown query operator, find rejects', async () => {
    const docs = createMemoryReadModelStore().collection('c');
    await assert.rejects(docs.find({ n: { $bogus: 1 } }));
  });
});
