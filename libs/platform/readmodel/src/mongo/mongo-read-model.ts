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
 * `document-codec.ts` (keys and arrays it refuses), `filter-rewrite.ts` (wrong answers to `$ne`
 * on paths into arrays), `bulk-replace.ts` (unindexed, hanging updates), `lookup-by-ids.ts`
 * (`$in` answered by decoding the whole collection) and `ensureIndexes`.
 */
import type { Connection, mongo } from 'mongoose';
import type { Collection, Doc, ReadModelStore } from '../read-model.port.ts';
import { ferretBulkReplace, mongoBulkReplace, type Stored } from './bulk-replace.ts';
import { ferretLookupByIds, mongoLookupByIds } from './lookup-by-ids.ts';
import { mongoCollection } from './mongo-collection.ts';
import { ensureIndexes, READ_MODEL_INDEXES, type IndexSpecs } from './read-model-indexes.ts';
import { SilentServerWatch, type SilentServerWatchOptions } from './silent-server-watch.ts';

export interface MongoReadModelOptions {
  /** e.g. `mongodb://127.0.0.1:27018/`. */
  url: string;
  /** Database name; defaults to the one in the url, else `countersign`. */
  database?: string;
  /** Indexes to create at start, by collection; defaults to READ_MODEL_INDEXES. `{}` for none. */
  indexes?: IndexSpecs;
  /** How long to look for a server before a call (or the start) fails; default 10 s. */
  serverSelectionTimeoutMs?: number;
  /**
   * How long a call may wait on its socket for an answer; default 60 s. Without a bound, a server
   * that keeps the connection open but never answers (hung, or restarting behind a proxy) holds
   * the call, and whatever waits on it, for ever.
   */
  socketTimeoutMs?: number;
  /**
   * When the client is replaced because its server stopped answering it (silent-server-watch.ts);
   * by default after 15 s without an answer while 3 commands failed or wait, at most every 30 s.
   */
  replaceSilentClient?: Omit<SilentServerWatchOptions, 'now'> & { checkEveryMs?: number };
  /** Documents per bulk write; default 1000. */
  batchSize?: number;
  log?: (msg: string) => void;
}

/** How long closing a replaced client may take before it is left to finish (or not) on its own. */
const CLOSE_REPLACED_MS = 5_000;

export async function createMongoReadModelStore(options: MongoReadModelOptions): Promise<ReadModelStore> {
  // Loaded here, not at the top: the embedded shape (memory store) never pays for mongoose.
  const { default: mongoose } = await import('mongoose');
  const log = options.log ?? (() => undefined);
  const indexes = options.indexes ?? READ_MODEL_INDEXES;
  const batchSize = options.batchSize ?? 1000;
  // Named, not mongoose's default "test" when the url names none.
  const database = options.database ?? (databaseIn(options.url) || 'countersign');
  const watch = new SilentServerWatch(options.replaceSilentClient);
  let closing = false;
  /** The client in use; a replacement is a new one (generation + 1), the old one is closed. */
  let live: { connection: Connection; native: mongo.Db; generation: number } | undefined;

  const open = async (generation: number) => {
    const connection: Connection = mongoose.createConnection(options.url, {
      dbName: database,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
      socketTimeoutMS: options.socketTimeoutMs ?? 60_000,
      // A pooled connection unused for a minute is closed rather than kept for the next burst:
      // fewer connections that a restarted server (or a proxy in between) may have forgotten.
      maxIdleTimeMS: 60_000,
      // A call waits for a pooled connection at most this long (never, by default): with every
      // connection held by calls the server does not answer, later calls would queue for ever.
      waitQueueTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
      // The driver's command events tell the watch which round trips the server answered.
      monitorCommands: true,
      // Omit undefined fields as JSON does, instead of storing them as null.
      ignoreUndefined: true,
      autoIndex: false,
      autoCreate: false,
    });
    const current = () => !closing && live?.generation === generation;
    const client = connection.getClient();
    client.on('commandStarted', (e) => current() && watch.sent(e.requestId));
    client.on('commandSucceeded', (e) => current() && watch.answered(e.requestId));
    // An error the server sent is an answer; a timeout or a broken connection is not.
    client.on('commandFailed', (e) => current() && (e.failure instanceof mongoose.mongo.MongoServerError ? watch.answered(e.requestId) : watch.failed(e.requestId)));
    connection.on('disconnected', () => current() && log(`read model: lost the connection to ${redact(options.url)}; the driver reconnects`));
    connection.on('reconnected', () => current() && log(`read model: reconnected to ${redact(options.url)}`));
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw new Error(`read model: cannot reach MongoDB at ${redact(options.url)}: ${(error as Error).message}`, { cause: error });
    }
    return { connection, native: connection.db!, generation };
  };

  live = await open(1);
  const native = live.native;
  // FerretDB answers buildInfo with a ferretdbVersion; its writes need another plan (bulk-replace.ts).
  const ferretdb = 'ferretdbVersion' in (await native.admin().command({ buildInfo: 1 }).catch(() => ({})));
  const lookup = ferretdb ? ferretLookupByIds : mongoLookupByIds;
  const replace = ferretdb ? ferretBulkReplace(batchSize, lookup) : mongoBulkReplace(batchSize);

  const ensure = async (name: string) => {
    const keys = indexes[name];
    if (!keys?.length) return;
    const created = await ensureIndexes(live!.native.collection(name), keys);
    if (created.length > 0) log(`read model: created indexes on ${database}.${name}: ${created.join(', ')}`);
  };
  try {
    for (const name of Object.keys(indexes)) await ensure(name);
    log(`read model: MongoDB at ${redact(options.url)}, database ${database}${ferretdb ? ' (FerretDB: inserts new documents, replaces existing ones)' : ''}`);
  } catch (error) {
    await live.connection.close().catch(() => undefined);
    throw error;
  }

  // Replaces a client whose server stopped answering it: a new client first (calls go on using the
  // old one until it is connected), then the old one closed, which fails the calls it still holds
  // at once instead of at their socket timeout. A new client that cannot connect is given up, and
  // the watch tries again after its gap.
  let replacing = false;
  const replaceIfSilent = async () => {
    const why = replacing || closing ? undefined : watch.verdict();
    if (!why) return;
    replacing = true;
    watch.replaced();
    const old = live!;
    log(`read model: replacing the MongoDB client (${why})`);
    try {
      const fresh = await open(old.generation + 1);
      if (closing) {
        await fresh.connection.close().catch(() => undefined);
        return;
      }
      live = fresh;
      log(`read model: replaced the MongoDB client (${redact(options.url)})`);
      const closed = old.connection.close(true).catch(() => undefined);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_REPLACED_MS).unref())]);
    } catch (error) {
      log(`read model: could not replace the MongoDB client, keeping the old one: ${(error as Error).message}`);
    } finally {
      replacing = false;
    }
  };
  const checker = setInterval(() => void replaceIfSilent(), options.replaceSilentClient?.checkEveryMs ?? 1_000);
  checker.unref();

  const collections = new Map<string, Collection<Doc>>();
  return {
    durable: true,
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      let collection = collections.get(name);
      if (!collection) {
        const generation = () => live!.generation;
        collection = countingUnreachable(mongoCollection<Doc>(() => live!.native.collection<Stored>(name), replace, lookup, () => ensure(name)), (started) => {
          if (!closing && started === generation()) watch.unreachable();
        }, generation);
        collections.set(name, collection);
      }
      // The store holds documents of whatever shape its callers put; T is their promise.
      return collection as unknown as Collection<T>;
    },
    async close() {
      closing = true;
      clearInterval(checker);
      await live!.connection.close();
    },
  };
}
/**
 * The collection's calls, with those that found no server told to the watch (`unreachable`, with
 * the generation of the client they started on): they send no command, so the driver's command
 * events never show them. (A bulk write wraps that failure in a MongoBulkWriteError, without
 * its name; the projector's batches read before they write, so their reads show it.)
 */
function countingUnreachable(collection: Collection<Doc>, unreachable: (generation: number) => void, generation: () => number): Collection<Doc> {
  const watched = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const started = generation();
    try {
      return await call(...args);
    } catch (error) {
      if (foundNoServer(error)) unreachable(started);
      throw error;
    }
  };
  return { get: watched(collection.get), find: watched(collection.find), count: watched(collection.count), putMany: watched(collection.putMany), drop: watched(collection.drop) };
}

function foundNoServer(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'MongoServerSelectionError';
}

/** The database named in a connection string (`mongodb://h1,h2/db?opts`), or ''. */
function databaseIn(url: string): string {
  return decodeURIComponent(/^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)?.[1] ?? '');
}

/** The url without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
