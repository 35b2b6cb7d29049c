import type { Collection, Doc, ReadModelStore } from './read-model.port.ts';

/** The store could not be reached: try again later (transient; never a reason to dead-letter). */
export class ReadModelUnavailableError extends Error {
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

/**
 * A store opened on first use, for processes that can work without it (the router and the
 * evaluator never read it; the notifier only falls back to it): they start, and keep deciding,
 * while the database is away. A failed open is tried again at the next call, which fails with a
 * transient error meanwhile.
 */
export function lazyReadModelStore(durable: boolean, open: () => Promise<ReadModelStore>): ReadModelStore {
  let opening: Promise<ReadModelStore> | undefined;
  let closed = false;
  const store = (): Promise<ReadModelStore> => {
    if (closed) return Promise.reject(new Error('read model store is closed'));
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw new ReadModelUnavailableError(`read model unavailable: ${(error as Error).message}`, { cause: error });
    });
    return opening;
  };
  const collection = <T extends Doc>(name: string): Collection<T> => {
    const on = async () => (await store()).collection<T>(name);
    return {
      get: async (id) => (await on()).get(id),
      find: async (filter, options) => (await on()).find(filter, options),
      count: async (filter) => (await on()).count(filter),
      putMany: async (docs, options) => (await on()).putMany(docs, options),
      drop: async () => (await on()).drop(),
    };
  };
  return {
    durable,
    collection,
    async close() {
      closed = true;
      const opened = await opening?.catch(() => undefined);
      await opened?.close();
    },
  };
}
