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

export interface Collection<T extends Doc = Doc> {
  get(id: string): Promise<T | undefined>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Replaces (or inserts) whole documents, in one batch. */
  putMany(docs: readonly T[]): Promise<void>;
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
