/**
 * Reading many documents by `_id` on FerretDB v1. It pushes only equality on top-level scalar
 * fields down to PostgreSQL; `{ _id: { $in: ids } }` is answered by decoding every document of
 * the collection in FerretDB itself, so its cost grows with the collection, not with the ids
 * (measured: 270 ms for 100 ids among 5,000 actions, 250 ms for 3). One `{ _id: id }` query per
 * id is filtered by PostgreSQL instead: ~1.5 ms each, a few at a time. On FerretDB's SQLite
 * backend each of those reads the table as well (~6 ms each), so past a few dozen ids the one
 * `$in` scan is cheaper on both backends.
 */
import type { mongo } from 'mongoose';
import type { Stored } from './bulk-replace.ts';

/** How `{ _id: { $in: ids } }`, with any further conditions, is read. */
export type LookupByIds = (
  collection: mongo.Collection<Stored>,
  ids: readonly string[],
  filter: mongo.Filter<Stored>,
  options?: mongo.FindOptions,
) => Promise<Stored[]>;

/** MongoDB: one query; the `_id` index serves `$in`. */
export const mongoLookupByIds: LookupByIds = (collection, ids, filter, options = {}) =>
  collection.find({ ...filter, _id: { $in: [...ids] } } as mongo.Filter<Stored>, options).toArray();

/** Queries at once per lookup: enough to overlap round trips, few beside FerretDB's pool of 50. */
const CONCURRENT_LOOKUPS = 8;

/** Ids past which one `$in` scan is cheaper than a query per id. */
const MOST_LOOKUPS = 32;

/** FerretDB v1: one equality query per distinct id, in the order of `ids`, when they are few. */
export const ferretLookupByIds: LookupByIds = async (collection, ids, filter, options = {}) => {
  const distinct = [...new Set(ids)];
  if (distinct.length > MOST_LOOKUPS) return mongoLookupByIds(collection, distinct, filter, options);
  const found: (Stored | null)[] = new Array(distinct.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < distinct.length) {
      const i = next++;
      found[i] = await collection.findOne({ ...filter, _id: distinct[i] } as mongo.Filter<Stored>, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_LOOKUPS, distinct.length) }, worker));
  return found.filter((doc): doc is Stored => doc !== null);
};
