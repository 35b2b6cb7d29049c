/**
 * Replacing whole documents by `_id`, in batches: the write of `putMany`. Idempotent by
 * construction: writing the same documents again leaves the same state. With a version field
 * (PutOptions.versionField) a document is written only over an older one, so a redelivered or
 * late batch changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { mongo } from 'mongoose';
import { storedVersion, versionOf } from '../put-batch.ts';
import type { LookupByIds } from './lookup-by-ids.ts';

export type Stored = mongo.Document & { _id: string };
/** Writes `docs` (one per `_id`); with `versionField`, only over stored documents of a lower version. */
export type BulkReplace = (collection: mongo.Collection<Stored>, docs: readonly Stored[], versionField?: string) => Promise<void>;

const DUPLICATE_KEY = 11000;

/** Matches the document of `doc._id` only while its version is below `doc`'s (or it has none). */
const olderThan = (doc: Stored, field: string): mongo.Filter<Stored> =>
  ({ _id: doc._id, [field]: { $not: { $gte: versionOf(doc, field) } } }) as mongo.Filter<Stored>;

const replaceOps = (docs: readonly Stored[], filter: (doc: Stored) => mongo.Filter<Stored>, upsert: boolean): mongo.AnyBulkWriteOperation<Stored>[] =>
  docs.map((doc) => ({ replaceOne: { filter: filter(doc), replacement: doc, upsert } }));

const byId = (doc: Stored): mongo.Filter<Stored> => ({ _id: doc._id });

/** The indexes (in `ops`) of the operations that failed on a duplicate `_id`; rethrows any other failure. */
function duplicatesIn(error: unknown): number[] {
  const e = error as { writeErrors?: { code?: number; index?: number }[] | { code?: number; index?: number } };
  const errors = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : [];
  if (errors.length === 0 || errors.some((w) => w.code !== DUPLICATE_KEY || typeof w.index !== 'number')) throw error;
  return errors.map((w) => w.index!);
}

/**
 * MongoDB: upserting replaces by `_id`, found through the `_id` index, one bulkWrite per batch.
 * Versioned, the filter also asks for an older version, so the check and the write are one
 * atomic operation; an upsert that finds no older document tries an insert, which fails on a
 * duplicate `_id` when a document is stored (as new or newer, or inserted by another writer in
 * between): those are tried once more as plain conditional replaces, which then decide.
 */
export const mongoBulkReplace = (batchSize: number): BulkReplace => async (collection, docs, versionField) => {
  for (let i = 0; i < docs.length; i += batchSize) {
    const batch = docs.slice(i, i + batchSize);
    if (versionField === undefined) {
      await collection.bulkWrite(replaceOps(batch, byId, true), { ordered: false });
      continue;
    }
    const conditional = (doc: Stored) => olderThan(doc, versionField);
    try {
      await collection.bulkWrite(replaceOps(batch, conditional, true), { ordered: false });
    } catch (error) {
      const stored = duplicatesIn(error).map((index) => batch[index]);
      await collection.bulkWrite(replaceOps(stored, conditional, false), { ordered: false });
    }
  }
};

/**
 * FerretDB v1 answers an update command by querying each of its operations and closing those
 * queries only when the whole command ends (a deferred close in a loop, handler/msg_update.go),
 * so each replace holds one pooled backend connection until then: a command of more replaces
 * than the pool has connections (100 on SQLite, 50 by default on PostgreSQL) waits for itself
 * forever, and so does every later command. Commands of 20 stay well clear of both, also with
 * a few writers at once.
 */
const FERRETDB_REPLACES_PER_COMMAND = 20;

/** Inserts `docs` in order up to the first whose _id exists; returns its index, or -1 if none did. */
async function insertUntilDuplicate(collection: mongo.Collection<Stored>, docs: readonly Stored[]): Promise<number> {
  if (docs.length === 0) return -1;
  try {
    // Copies: the driver would otherwise write its bookkeeping into the caller's objects.
    await collection.insertMany(docs.map((d) => ({ ...d })), { ordered: true });
    return -1;
  } catch (error) {
    const e = error as { code?: number; writeErrors?: { code?: number; index?: number } | { code?: number; index?: number }[] };
    const first = Array.isArray(e?.writeErrors) ? e.writeErrors[0] : e?.writeErrors;
    // Ordered: everything before the failed document went in, nothing after it.
    if (first?.code === DUPLICATE_KEY && typeof first.index === 'number') return first.index;
    throw error;
  }
}

/**
 * FerretDB v1 finds a document by `_id` without its index (PostgreSQL filters with `@>`, which
 * the index on `_jsonb->'_id'` cannot serve), and an update is such a find and then a write,
 * while inserts are cheap. So a batch is inserted first; only from its first document that
 * exists already on, a lookup by ids (lookup-by-ids.ts) tells which exist and at which
 * version, the new ones are inserted and the existing ones that differ (unversioned) or are
 * older (versioned) are replaced by `_id` alone, the one filter FerretDB's SQLite backend pushes
 * down. A rebuild and a projector batch of new audit rows and events then read nothing at all.
 * FerretDB's updates are a query and then a write, not atomic, so the version check is too: two
 * writers of one document at once (a partition hand-over) can still leave the older; MongoDB's
 * plan above has no such window.
 * Never delete-then-insert: a reader in between would see an action vanish, and a crash in
 * between would lose its view for good.
 */
export const ferretBulkReplace = (batchSize: number, lookup: LookupByIds): BulkReplace => async (collection, docs, versionField) => {
  for (let i = 0; i < docs.length; i += batchSize) {
    const batch = docs.slice(i, i + batchSize);
    const firstExisting = await insertUntilDuplicate(collection, batch);
    if (firstExisting < 0) continue;
    const rest = batch.slice(firstExisting);
    const projection = versionField === undefined ? {} : { projection: { _id: 1, [versionField]: 1 } };
    const found = await lookup(collection, rest.map((d) => d._id), {}, projection);
    const stored = new Map(found.map((d) => [d._id, d]));
    // A document stored as it is (or newer) needs no write: redelivered batches then cost one read.
    const needsWrite = (d: Stored) => versionField === undefined
      ? !isDeepStrictEqual(stored.get(d._id), d)
      : storedVersion(stored.get(d._id)!, versionField) < versionOf(d, versionField);
    const toReplace = rest.filter((d) => stored.has(d._id) && needsWrite(d));
    let raced: Stored[] = [];
    const toInsert = rest.filter((d) => !stored.has(d._id));
    const firstRaced = await insertUntilDuplicate(collection, toInsert);
    // Another writer inserted some since the find: those are replaced only if still older.
    if (firstRaced >= 0) raced = toInsert.slice(firstRaced);
    const commands = [
      ...chunks(toReplace).map((part) => replaceOps(part, byId, false)),
      ...chunks(raced).map((part) => replaceOps(part, versionField === undefined ? byId : (d) => olderThan(d, versionField), false)),
    ];
    for (const ops of commands) await collection.bulkWrite(ops, { ordered: false });
  }
};

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += FERRETDB_REPLACES_PER_COMMAND) out.push(items.slice(i, i + FERRETDB_REPLACES_PER_COMMAND));
  return out;
}
