/**
 * The baseline: a raw driver bulk write of exactly the documents the projector writes, batch by
 * batch and collection by collection, to the same server with the same indexes. The raw writer
 * is told which documents exist already (it reads nothing and checks no version): new ones are
 * inserted, the others replaced by `_id`, in commands as large as the server takes.
 */
import mongoose from 'mongoose';
import { Projector } from '@countersign/service-audit-projector';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore, READ_MODEL_INDEXES, type Collection, type Doc, type ReadModelStore } from '@countersign/readmodel';

/** One putMany of the projector: a collection and its documents. */
export interface Write { collection: string; docs: Doc[] }

/** The writes the projector makes for each batch, found by projecting into memory. */
export async function writesOf(batches: readonly DeliveredRecord[][]): Promise<Write[][]> {
  const memory = createMemoryReadModelStore();
  let current: Write[] = [];
  const store: ReadModelStore = {
    durable: false,
    close: () => memory.close(),
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      const inner = memory.collection<T>(name);
      return { ...inner, putMany: async (docs, options) => { current.push({ collection: name, docs: docs.map((d) => ({ ...d })) }); await inner.putMany(docs, options); } };
    },
  };
  const projector = new Projector({ store, now: () => new Date(), warn: () => undefined });
  const out: Write[][] = [];
  for (const batch of batches) {
    current = [];
    await projector.project(batch);
    out.push(current);
  }
  return out;
}

/** Replaces per command: FerretDB v1 hangs on more (see bulk-replace.ts); MongoDB takes 1000. */
const replacesPerCommand = (ferretdb: boolean) => (ferretdb ? 20 : 1000);

export async function rawBulkWrite(url: string, database: string, batches: readonly Write[][]): Promise<{ docs: number; seconds: number }> {
  const conn = await mongoose.createConnection(url, { dbName: database, ignoreUndefined: true }).asPromise();
  try {
    const db = conn.db!;
    const ferretdb = 'ferretdbVersion' in (await db.admin().command({ buildInfo: 1 }));
    for (const [name, keys] of Object.entries(READ_MODEL_INDEXES)) for (const key of keys) await db.collection(name).createIndex(key);
    // The bench documents hold no key or array the adapter's codec changes, so they go as they are.
    const encoded = batches;
    const seen = new Map<string, Set<string>>();
    let docs = 0;
    const started = performance.now();
    for (const writes of encoded) {
      for (const { collection, docs: batch } of writes) {
        const ids = seen.get(collection) ?? seen.set(collection, new Set()).get(collection)!;
        const fresh = batch.filter((d) => !ids.has(d._id));
        const stored = batch.filter((d) => ids.has(d._id));
        const native = db.collection<Doc>(collection);
        if (fresh.length > 0) await native.insertMany(fresh, { ordered: false });
        const step = replacesPerCommand(ferretdb);
        for (let i = 0; i < stored.length; i += step) {
          await native.bulkWrite(stored.slice(i, i + step).map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d } })), { ordered: false });
        }
        for (const d of fresh) ids.add(d._id);
        docs += batch.length;
      }
    }
    return { docs, seconds: (performance.now() - started) / 1000 };
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}
