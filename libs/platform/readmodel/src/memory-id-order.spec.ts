import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { find } from 'mingo';
import { createMemoryReadModelStore } from './memory-read-model.ts';
import type { Doc } from './read-model.port.ts';

describe('the memory store: pages in id order', () => {
  it('property: a page sorted by _id with a limit is what sorting every match gives, whatever the bounds, filter, direction and puts in between', async () => {
    const id = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'c', 'Z', '0', ':', 'é') });
    const docs = fc.array(fc.record({ _id: id, status: fc.constantFrom('pending', 'approved') }), { maxLength: 40 });
    const bound = fc.option(fc.record({ op: fc.constantFrom('$gt', '$gte', '$lt', '$lte'), value: id }), { nil: undefined });
    await fc.assert(fc.asyncProperty(docs, docs, bound, fc.option(fc.constantFrom('pending', 'approved'), { nil: undefined }), fc.constantFrom(1, -1), fc.integer({ min: 1, max: 10 }),
      async (first, second, range, status, direction, limit) => {
        const store = createMemoryReadModelStore();
        const c = store.collection<Doc>('c');
        await c.putMany(first);
        await c.find({}, { sort: { _id: 1 }, limit: 1 }); // an order built before the second put
        await c.putMany(second);
        const filter = { ...(range ? { _id: { [range.op]: range.value } } : {}), ...(status ? { status } : {}) };
        const all = [...new Map([...first, ...second].map((d) => [d._id, d])).values()];
        const expected = find(all, filter).sort({ _id: direction as 1 | -1 }).limit(limit).all();
        const plain = (list: Doc[]) => list.map((d) => ({ ...d }));
        assert.deepEqual(plain(await c.find(filter, { sort: { _id: direction as 1 | -1 }, limit })), plain(expected as Doc[]));
      }), { numRuns: 300 });
  });
});
