/**
 * The production read-model store: one MongoDB database (or FerretDB v1, which speaks the wire
 * protocol), one collection per read model, documents replaced whole by `_id`. Durable: the
 * projector resumes from its checkpoint instead of rebuilding at every start.
 *
 * Mongoose gives the connection (pooling, reconnects, server selection); documents go through
 * the driver collection under it (`connection.db.collection`), not through models: read models
 * are plain JSON made by pure projections, so a schema per collection would check nothing the
 * projection has not already decided, and would cast and reorder what must come back as put.
 * The driver collection, rather than mongoose's wrapper (`connection.collection`), has the
 * driver's own types and no command buffering: a call fails when the server cannot be reached
 * instead of waiting silently in a queue.
 *
 * Only what FerretDB v1 also has is used: no transactions, change streams, $lookup/$facet, TTL
 * or partial indexes, findOneAndUpdate. Its further faults are worked around in
 * `document-codec.ts`, `filter-rewrite.ts` and `ensureIndexes`.
 */
import type { Connection, mongo } from 'mongoose';
import type { Collection, Doc, Filter, FindOptions, ReadModelStore } from '../read-model.port.ts';
import { decodeDocument, encodeDocument } from './document-codec.ts';
import { rewriteFilter } from './filter-rewrite.ts';
import { ensureIndexes, isNamespaceNotFound, READ_MODEL_INDEXES, type IndexSpecs } from './read-model-indexes.ts';

export interface MongoReadModelOptions {
  /** e.g. `mongodb://127.0.0.1:27018/`. */
  url: string;
  /** Database name; defaults to the one in the url, else `countersign`. */
  database?: string;
  /** Indexes to create at start, by collection; defaults to READ_MODEL_INDEXES. `{}` for none. */
  indexes?: IndexSpecs;
  /** How long to look for a server before a call (or the start) fails; default 10 s. */
  serverSelectionTimeoutMs?: number;
  /** Documents per bulkWrite; default 1000. */
  batchSize?: number;
  log?: (msg: string) => void;
}

type Stored = mongo.Document & { _id: string };

function mongoCollection<T extends Doc>(
  native: mongo.Collection<Stored>,
  batchSize: number,
  recreateIndexes: () => Promise<unknown>,
): Collection<T> {
  return {
    async get(id) {
      const stored = await native.findOne({ _id: id });
      return stored === null ? undefined : decodeDocument<T>(stored);
    },
    async find(filter: Filter, options: FindOptions = {}) {
      // As in MongoDB and the memory store, a limit of 0 means no limit.
      const cursor = native.find(rewriteFilter(filter) as mongo.Filter<Stored>, {
        ...(options.sort ? { sort: options.sort } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
      });
      return (await cursor.toArray()).map((stored) => decodeDocument<T>(stored));
    },
    async count(filter: Filter) {
      return native.countDocuments(rewriteFilter(filter) as mongo.Filter<Stored>);
    },
    async putMany(docs: readonly T[]) {
      for (const doc of docs) {
        if (typeof doc._id !== 'string') throw new TypeError(`read model: document without a string _id: ${JSON.stringify(doc)}`);
      }
      // The last version of each id only: an unordered bulk write may apply its operations in
      // any order, and the port says the later document of a batch wins.
      const latest = new Map<string, Stored>();
      for (const doc of docs) latest.set(doc._id, encodeDocument(doc) as Stored);
      const all = [...latest.values()];
      // Replacing whole documents by _id is idempotent: a redelivered batch writes the same state.
      for (let i = 0; i < all.length; i += batchSize) {
        const operations = all.slice(i, i + batchSize).map((doc) => ({
          replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
        }));
        await native.bulkWrite(operations, { ordered: false });
      }
    },
    async drop() {
      try {
        await native.drop();
      } catch (error) {
        if (!isNamespaceNotFound(error)) throw error;
      }
      // Dropping a collection drops its indexes too; a rebuild must not run without them.
      await recreateIndexes();
    },
  };
}

export async function createMongoReadModelStore(options: MongoReadModelOptions): Promise<ReadModelStore> {
  // Loaded here, not at the top: the embedded shape (memory store) never pays for mongoose.
  const { default: mongoose } = await import('mongoose');
  const log = options.log ?? (() => undefined);
  const indexes = options.indexes ?? READ_MODEL_INDEXES;
  const batchSize = options.batchSize ?? 1000;
  // Named, not mongoose's default "test" when the url names none.
  const database = options.database ?? (databaseIn(options.url) || 'countersign');
  const connection: Connection = mongoose.createConnection(options.url, {
    dbName: database,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    // Omit undefined fields as JSON does, instead of storing them as null.
    ignoreUndefined: true,
    autoIndex: false,
    autoCreate: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new Error(`read model: cannot reach MongoDB at ${redact(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  const native = connection.db!;
  let closing = false;
  connection.on('disconnected', () => closing || log(`read model: lost the connection to ${redact(options.url)}; the driver reconnects`));
  connection.on('reconnected', () => log(`read model: reconnected to ${redact(options.url)}`));

  const ensure = async (name: string) => {
    const keys = indexes[name];
    if (!keys?.length) return;
    const created = await ensureIndexes(native.collection(name), keys);
    if (created.length > 0) log(`read model: created indexes on ${database}.${name}: ${created.join(', ')}`);
  };
  try {
    for (const name of Object.keys(indexes)) await ensure(name);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }

  const collections = new Map<string, Collection<Doc>>();
  return {
    durable: true,
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      let collection = collections.get(name);
      if (!collection) {
        collection = mongoCollection<Doc>(native.collection<Stored>(name), batchSize, () => ensure(name));
        collections.set(name, collection);
      }
      // The store holds documents of whatever shape its callers put; T is their promise.
      return collection as unknown as Collection<T>;
    },
    async close() {
      closing = true;
      await connection.close();
    },
  };
}

/** The database named in a connection string (`mongodb://h1,h2/db?opts`), or ''. */
function databaseIn(url: string): string {
  return decodeURIComponent(/^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)?.[1] ?? '');
}

/** The url without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
