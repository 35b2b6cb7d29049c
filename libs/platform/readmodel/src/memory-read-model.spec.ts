import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Query } from 'mingo';
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

  it('given counts by a field\'s value, when documents change, then every count equals a scan of the whole collection', async () => {
    // Values include arrays (Mongo matches their elements), objects, null and missing fields.
    const value = fc.oneof(fc.constantFrom('a', 'b', 1, true), fc.constant(null), fc.constant(['a', 'c']), fc.constant({ x: 'a' }));
    const doc = fc.record({ _id: fc.constantFrom('1', '2', '3', '4', '5', '6'), requester: value, status: fc.constantFrom('pending', 'approved') }, { requiredKeys: ['_id', 'status'] });
    const filter = fc.oneof(
      fc.record({ requester: fc.constantFrom('a', 'b', 'c', 1, true) }),
      fc.record({ requester: fc.constantFrom('a', 'b'), status: fc.constantFrom('pending', 'approved') }),
      fc.record({ status: fc.constantFrom('pending', 'approved'), requester: fc.constantFrom('a', 1) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(fc.array(doc, { maxLength: 4 }), { maxLength: 6 }), fc.array(filter, { minLength: 1, maxLength: 3 }), async (batches, filters) => {
      const docs = createMemoryReadModelStore().collection('actions');
      for (const batch of batches) {
        await docs.putMany(batch);
        for (const f of filters) {
          const all = await docs.find({});
          assert.equal(await docs.count(f), all.filter((d) => new Query(f).test(d)).length, JSON.stringify(f));
        }
      }
    }), { numRuns: 150 });
  });
});
