/**
 * The embedded read-model store: collections are Maps in memory, queried with Mongo filters by
 * mingo. Not durable: projections into it start again from offset 0 at every start. Documents
 * are deep-copied on the way in and out, so callers can never change what is stored by
 * mutating an object they passed or got back (as with a real database).
 */
import { find, Query } from 'mingo';
import { IdOrder } from './memory-id-order.ts';
import { idsNamedBy, latestById, storedVersion, versionOf } from './put-batch.ts';
import type { Collection, Doc, Filter, FindOptions, PutOptions, ReadModelStore } from './read-model.port.ts';

/**
 * A deep copy of a JSON document: plain objects and arrays are copied, strings and other
 * primitives shared (they cannot change). About twice as fast as structuredClone on action views,
 * which a rebuild copies in and out once per batch. Anything else (a Date) goes to structuredClone,
 * which also refuses what cannot be copied (a function), as before.
 */
function copyDoc<T>(value: T): T {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? structuredClone(value) : value;
  if (Array.isArray(value)) return value.map(copyDoc) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyDoc((value as Record<string, unknown>)[key]);
  return out as T;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The ids of the documents by one top-level field's scalar value, built the first time a count's
 * filter asks for that field by equality and kept up to date by every put: a pending-quota count of one
 * requester scanned every action of the collection before (45 ms at 100,000). Documents whose
 * field is an array or an object may match an equality too (Mongo matches array elements): they
 * are always candidates. A missing field never equals a scalar.
 */
interface FieldIndex {
  byValue: Map<Scalar, Set<string>>;
  other: Set<string>;
}

function indexDoc(index: FieldIndex, field: string, doc: Doc, add: boolean): void {
  const value = (doc as Record<string, unknown>)[field];
  if (value === undefined || value === null) return;
  if (isScalar(value)) {
    let ids = index.byValue.get(value);
    if (add) {
      if (!ids) index.byValue.set(value, (ids = new Set()));
      ids.add(doc._id);
    } else if (ids) {
      ids.delete(doc._id);
      if (ids.size === 0) index.byValue.delete(value);
    }
  } else if (add) index.other.add(doc._id);
  else index.other.delete(doc._id);
}

/** The documents `filter` can match: those it names by id, else (given indexes) those an indexed field's value allows, else all. */
function candidates(docs: Map<string, Doc>, filter: Filter, indexes?: Map<string, FieldIndex>): Iterable<Doc> {
  const byIds = (ids: Iterable<string>) => [...new Set(ids)].map((id) => docs.get(id)).filter((doc): doc is Doc => doc !== undefined);
  const ids = idsNamedBy(filter);
  if (ids) return byIds(ids);
  if (!indexes) return docs.values();
  const field = Object.keys(filter).find((k) => !k.startsWith('$') && !k.includes('.') && isScalar((filter as Record<string, unknown>)[k]));
  if (field === undefined) return docs.values();
  let index = indexes.get(field);
  if (!index) {
    index = { byValue: new Map(), other: new Set() };
    for (const doc of docs.values()) indexDoc(index, field, doc, true);
    indexes.set(field, index);
  }
  const value = (filter as Record<string, Scalar>)[field]!;
  return byIds([...(index.byValue.get(value) ?? []), ...index.other]);
}

function memoryCollection(docs: Map<string, Doc>): Collection<Doc> {
  const indexes = new Map<string, FieldIndex>();
  const order = new IdOrder();
  return {
    async get(id) {
      const doc = docs.get(id);
      return doc === undefined ? undefined : copyDoc(doc);
    },
    async find(filter: Filter, options: FindOptions = {}) {
      // Only ids asked for, in no order: the named documents are the answer, no query needed.
      if (idsNamedBy(filter) && Object.keys(filter).length === 1 && !options.sort && !options.limit) {
        return [...candidates(docs, filter)].map(copyDoc);
      }
      // A page in id order (a keyset page) walks the ids in order from the filter's bound, without
      // sorting the collection: the same documents as the sort would give.
      const sortKeys = options.sort ? Object.keys(options.sort) : [];
      if (options.limit && sortKeys.length === 1 && sortKeys[0] === '_id' && !idsNamedBy(filter)) {
        return order.page(docs, filter, options.sort!._id, options.limit).map(copyDoc);
      }
      // Not through the field indexes: without a sort, callers see insertion order, which an
      // index's candidates (in the order they were indexed) would not keep.
      let cursor = find<Doc>(candidates(docs, filter), filter);
      if (options.sort) cursor = cursor.sort(options.sort);
      // As in MongoDB, a limit of 0 means no limit.
      if (options.limit) cursor = cursor.limit(options.limit);
      return cursor.all().map(copyDoc);
    },
    async count(filter: Filter) {
      const query = new Query(filter);
      let n = 0;
      for (const doc of candidates(docs, filter, indexes)) if (query.test(doc)) n += 1;
      return n;
    },
    async putMany(batch: readonly Doc[], options: PutOptions = {}) {
      const field = options.versionField;
      const newer = [...latestById(batch, options).values()].filter((doc) => {
        const stored = field === undefined ? undefined : docs.get(doc._id);
        return stored === undefined || storedVersion(stored, field!) < versionOf(doc, field!);
      });
      // Copies first, so a document that cannot be cloned leaves the collection unchanged.
      const copies = newer.map(copyDoc);
      for (const doc of copies) {
        const old = docs.get(doc._id);
        for (const [field, index] of indexes) {
          if (old) indexDoc(index, field, old, false);
          indexDoc(index, field, doc, true);
        }
        if (!old) order.add(doc._id);
        docs.set(doc._id, doc);
      }
    },
    async drop() {
      docs.clear();
      indexes.clear();
      order.clear();
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
