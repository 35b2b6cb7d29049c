/**
 * The read-model port: named collections of JSON documents keyed by `_id`, queried with Mongo
 * filters. Adapters: in memory (mingo), MongoDB (mongoose). Read models are disposable: they are
 * projected from the log and can be dropped and rebuilt from offset 0.
 * Every adapter passes the contract suite in `read-model.contract.ts`.
 */

export type Doc = { _id: string } & Record<string, unknown>;

/** A Mongo query filter, e.g. `{ status: 'pending', 'eligible': 'alice' }`. */
export type Filter = Record<string, unknown>;

export interface FindOptions {
  /** Mongo sort spec, e.g. `{ createdAt: -1, _id: -1 }`. */
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

export interface PutOptions {
  /**
   * A numeric field that orders the versions of a document: an action view's `lastSeq`, an audit
   * row's `seq`, a checkpoint's `offset`. When set, a document is written only where no document
   * with its `_id` is stored or the stored one's field is lower; of several with one `_id` in a
   * batch, the highest wins. So a redelivered batch changes nothing, and a batch that arrives late
   * (out of order, or from a second writer during a hand-over) never takes a document back to an
   * older version. Every document of the batch must hold a finite number there.
   */
  versionField?: string;
}

export interface Collection<T extends Doc = Doc> {
  get(id: string): Promise<T | undefined>;
  /** `{ _id: { $in: ids } }` is the way to read many documents by id: adapters answer it without a scan. */
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /**
   * Replaces (or inserts) whole documents, in one batch: without options the later document of
   * an `_id` wins; with `versionField`, only newer versions are written (see PutOptions). A
   * wrapper of a collection must pass `options` on.
   */
  putMany(docs: readonly T[], options?: PutOptions): Promise<void>;
  /** Removes every document. */
  drop(): Promise<void>;
}

export interface ReadModelStore {
  /** False for stores that forget on restart: their projections start again from offset 0. */
  readonly durable: boolean;
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  close(): Promise<void>;
}

export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');
