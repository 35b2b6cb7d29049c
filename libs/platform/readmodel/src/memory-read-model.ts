/**
 * The embedded read-model store: collections are Maps in memory, queried with Mongo filters by
 * mingo. Not durable: projections into it start again from offset 0 at every start. Documents
 * are deep-copied on the way in and out, so callers can never change what is stored by
 * mutating an object they passed or got back (as with a real database).
 */
import { find, Query } from 'mingo';
import type { Collection, Doc, Filter, FindOptions, ReadModelStore } from './read-model.port.ts';

function memoryCollection(docs: Map<string, Doc>): Collection<Doc> {
  return {
    async get(id) {
      const doc = docs.get(id);
      return doc === undefined ? undefined : structuredClone(doc);
    },
    async find(filter: Filter, options: FindOptions = {}) {
      let cursor = find<Doc>(docs.values(), filter);
      if (options.sort) cursor = cursor.sort(options.sort);
      // As in MongoDB, a limit of 0 means no limit.
      if (options.limit) cursor = cursor.limit(options.limit);
      return cursor.all().map((doc) => structuredClone(doc));
    },
    async count(filter: Filter) {
      const query = new Query(filter);
      let n = 0;
      for (const doc of docs.values()) if (query.test(doc)) n += 1;
      return n;
    },
    async putMany(batch: readonly Doc[]) {
      for (const doc of batch) {
        if (typeof doc._id !== 'string') throw new TypeError(`read model: document without a string _id: ${JSON.stringify(doc)}`);
      }
      // Copies first, so a document that cannot be cloned leaves the collection unchanged.
      const copies = batch.map((doc) => structuredClone(doc));
      for (const doc of copies) docs.set(doc._id, doc);
    },
    async drop() {
      docs.clear();
    },
  };
}

export function createMemoryReadModelStore(): ReadModelStore {
  const collections = new Map<string, Collection<Doc>>();
  return {
    durable: false,
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      let collection = collections.get(name);
      if (!collection) {
        collection = memoryCollection(new Map());
        collections.set(name, collection);
      }
      // The store holds documents of whatever shape its callers put; T is their promise.
      return collection as unknown as Collection<T>;
    },
    async close() {
      await Promise.all([...collections.values()].map((c) => c.drop()));
    },
  };
}
