/**
 * One read-model collection over a driver collection: filters rewritten for FerretDB v1,
 * documents encoded for it, whole documents replaced by `_id`.
 */
import type { mongo } from 'mongoose';
import { idsNamedBy, latestById } from '../put-batch.ts';
import type { Collection, Doc, Filter, FindOptions, PutOptions } from '../read-model.port.ts';
import type { BulkReplace, Stored } from './bulk-replace.ts';
import { decodeDocument, encodeDocument } from './document-codec.ts';
import { rewriteFilter } from './filter-rewrite.ts';
import type { LookupByIds } from './lookup-by-ids.ts';
import { isNamespaceNotFound } from './read-model-indexes.ts';

export function mongoCollection<T extends Doc>(
  /** The driver collection of the client in use now (the store may replace its client). */
  driver: () => mongo.Collection<Stored>,
  replace: BulkReplace,
  lookup: LookupByIds,
  recreateIndexes: () => Promise<unknown>,
): Collection<T> {
  return {
    async get(id) {
      const native = driver();
      const stored = await native.findOne({ _id: id });
      return stored === null ? undefined : decodeDocument<T>(stored);
    },
    async find(filter: Filter, options: FindOptions = {}) {
      const native = driver();
      const ids = idsNamedBy(filter);
      if (ids && !options.sort) {
        const { _id: _named, ...rest } = filter;
        const found = await lookup(native, ids, rewriteFilter(rest) as mongo.Filter<Stored>);
        return (options.limit ? found.slice(0, options.limit) : found).map((stored) => decodeDocument<T>(stored));
      }
      // As in MongoDB and the memory store, a limit of 0 means no limit.
      const cursor = native.find(rewriteFilter(filter) as mongo.Filter<Stored>, {
        ...(options.sort ? { sort: options.sort } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
      });
      return (await cursor.toArray()).map((stored) => decodeDocument<T>(stored));
    },
    async count(filter: Filter) {
      return driver().countDocuments(rewriteFilter(filter) as mongo.Filter<Stored>);
    },
    async putMany(docs: readonly T[], options: PutOptions = {}) {
      // One document per id (the one the port says wins): an unordered bulk write may apply
      // its operations in any order.
      const latest = [...latestById(docs, options).values()].map((doc) => encodeDocument(doc) as Stored);
      await replace(driver(), latest, options.versionField);
    },
    async drop() {
      try {
        await driver().drop();
      } catch (error) {
        if (!isNamespaceNotFound(error)) throw error;
      }
      // Dropping a collection drops its indexes too; a rebuild must not run without them.
      await recreateIndexes();
    },
  };
}
