/**
 * Replacing whole documents by `_id`, in batches: the write of `putMany`. Idempotent by
 * construction: writing the same documents again leaves the same state, so a redelivered
 * projector batch is harmless.
 */
import { isDeepStrictEqual } from 'node:util';
import type { mongo } from 'mongoose';

export type Stored = mongo.Document & { _id: string };
export type BulkReplace = (collection: mongo.Collection<Stored>, docs: readonly Stored[]) => Promise<void>;

const replaceOps = (docs: readonly Stored[]): mongo.AnyBulkWriteOperation<Stored>[] =>
  docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));

/** MongoDB: upserting replaces by `_id`, found through the `_id` index, one bulkWrite per batch. */
export const mongoBulkReplace = (batchSize: number): BulkReplace => async (collection, docs) => {
  for (let i = 0; i < docs.length; i += batchSize) {
    await collection.bulkWrite(replaceOps(docs.slice(i, i + batchSize)), { ordered: false });
  }
};

/**
 * FerretDB v1 hangs (the reply never comes) on an update command that replaces more than about
 * 100 existing documents; 64 was fine in every trial, 100 was not. Half of that, for margin.
 */
const FERRETDB_REPLACES_PER_COMMAND = 50;

/** Inserts `docs` in order up to the first whose _id exists; returns its index, or -1 if none did. */
async function insertUntilDuplicate(collection: mongo.Collection<Stored>, docs: readonly Stored[]): Promise<number> {
  try {
    // Copies: the driver would otherwise write its bookkeeping into the caller's objects.
    await collection.insertMany(docs.map((d) => ({ ...d })), { ordered: true });
    return -1;
  } catch (error) {
    const e = error as { code?: number; writeErrors?: { code?: number; index?: number } | { code?: number; index?: number }[] };
    const first = Array.isArray(e?.writeErrors) ? e.writeErrors[0] : e?.writeErrors;
    // Ordered: everything before the failed document went in, nothing after it.
    if (first?.code === 11000 && typeof first.index === 'number') return first.index;
    throw error;
  }
}

/**
 * FerretDB v1 on SQLite uses no index for an update: every replace (and delete, and any find
 * but by one _id) reads the whole collection, about 45 ms at 10,000 documents of 1 KB, while
 * inserts are cheap (~12,000/s). So a batch is inserted first; only from its first document
 * that exists already on, one find tells which exist (one scan), the new ones are inserted and
 * the existing ones that differ are replaced. A rebuild and a projector batch of new audit rows and events then
 * read nothing at all.
 * Never delete-then-insert: a reader in between would see an action vanish, and a crash in
 * between would lose its view for good.
 */
export const ferretBulkReplace = (batchSize: number): BulkReplace => async (collection, docs) => {
  for (let i = 0; i < docs.length; i += batchSize) {
    const batch = docs.slice(i, i + batchSize);
    const firstExisting = await insertUntilDuplicate(collection, batch);
    if (firstExisting < 0) continue;
    const rest = batch.slice(firstExisting);
    const found = await collection.find({ _id: { $in: rest.map((d) => d._id) } }).toArray();
    const stored = new Map(found.map((d) => [d._id, d]));
    // A document stored as it is needs no write: redelivered batches then cost one read.
    const toReplace = rest.filter((d) => stored.has(d._id) && !isDeepStrictEqual(stored.get(d._id), d));
    const toInsert = rest.filter((d) => !stored.has(d._id));
    if (toInsert.length > 0) {
      // Another writer may have inserted some since the find: replace those from the first one on.
      const raced = await insertUntilDuplicate(collection, toInsert);
      if (raced >= 0) toReplace.push(...toInsert.slice(raced));
    }
    for (let j = 0; j < toReplace.length; j += FERRETDB_REPLACES_PER_COMMAND) {
      await collection.bulkWrite(replaceOps(toReplace.slice(j, j + FERRETDB_REPLACES_PER_COMMAND)), { ordered: false });
    }
  }
};
