import { find, Query } from 'mingo';
import type { Queryable } from '../keyset-page.ts';

/**
 * Rows queried as the embedded in-memory read-model store queries them (mingo, the same engine),
 * for the query tests of this library, which may not import the store itself (a domain lib
 * depends on contracts only). Records how many rows each `find` returned, to check the chunking.
 */
export function memoryRows<T extends object>(docs: readonly T[]): Queryable<T> & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    async find(filter, { sort, limit }) {
      const rows = find<T>([...docs], filter).sort(sort).limit(limit).all();
      reads.push(rows.length);
      return structuredClone(rows);
    },
    async count(filter) {
      const query = new Query(filter);
      return docs.filter((doc) => query.test(doc as Record<string, unknown>)).length;
    },
  };
}
