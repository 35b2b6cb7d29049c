/**
 * Keyset pagination over a read model, shared by every list: rows in a fixed order of
 * (sort field, `_id`), a page continuing strictly after the last row of the one before, so pages
 * have no gaps or repeats while rows arrive. A page holds at most `limit` rows and stops early
 * before its rows pass `maxBytes` (at least one row, so paging always moves on).
 *
 * The store is reached through `Queryable`, the part of the read-model port a query needs: this
 * library imports no adapter, and any collection of the port fits.
 */

/** A Mongo-style filter, e.g. `{ status: 'pending' }`. */
export type QueryFilter = Record<string, unknown>;

export interface Queryable<T> {
  find(filter: QueryFilter, options: { sort: Record<string, 1 | -1>; limit: number }): Promise<T[]>;
  count(filter: QueryFilter): Promise<number>;
}

/** Where a page ends: the sort value of its last row, and that row's `_id`. */
export type KeysetPosition = readonly [string, string];

export interface KeysetOrder {
  /** A string field that sorts as the rows should (ISO-8601 UTC times do). */
  field: string;
  direction: 1 | -1;
}

export interface PageRequest {
  limit: number;
  maxBytes: number;
  after?: KeysetPosition;
}

export interface Page<T> {
  rows: T[];
  /** Where the next page starts; absent on the last page. */
  next?: KeysetPosition;
}

/** Rows are read from the store this many at a time, so a page of large rows never holds more. */
const CHUNK = 50;

export const sortOf = (order: KeysetOrder): Record<string, 1 | -1> => ({ [order.field]: order.direction, _id: order.direction });

/** The rows strictly after `position` in `order`. */
export function afterPosition(order: KeysetOrder, [value, id]: KeysetPosition): QueryFilter {
  const beyond = order.direction === 1 ? '$gt' : '$lt';
  return { $or: [{ [order.field]: { [beyond]: value } }, { [order.field]: value, _id: { [beyond]: id } }] };
}

const both = (filter: QueryFilter, more?: QueryFilter): QueryFilter => {
  if (!more) return filter;
  return Object.keys(filter).length === 0 ? more : { $and: [filter, more] };
};

/**
 * One page of `filter`'s rows in `order`. `size` says how many bytes a row costs the answer
 * (its JSON, as the caller will send it).
 */
export async function readPage<T extends { _id: string }>(
  rows: Queryable<T>,
  filter: QueryFilter,
  order: KeysetOrder,
  request: PageRequest,
  size: (row: T) => number,
): Promise<Page<T>> {
  const page: T[] = [];
  const positionOf = (row: T): KeysetPosition => [String(row[order.field as keyof T]), row._id];
  let bytes = 0;
  let after = request.after;
  for (;;) {
    const want = Math.min(request.limit - page.length, CHUNK);
    const batch = await rows.find(both(filter, after && afterPosition(order, after)), { sort: sortOf(order), limit: want + 1 });
    for (const row of batch.slice(0, want)) {
      const cost = size(row);
      if (page.length > 0 && bytes + cost > request.maxBytes) return { rows: page, next: positionOf(page.at(-1)!) };
      page.push(row);
      bytes += cost;
    }
    if (batch.length <= want) return { rows: page };
    if (page.length >= request.limit) return { rows: page, next: positionOf(page.at(-1)!) };
    after = positionOf(page.at(-1)!);
  }
}
