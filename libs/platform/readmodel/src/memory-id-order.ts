/**
 * The embedded store's ids in order, for pages sorted by `_id` with a limit (keyset pages: the
 * audit trail, evidence exports). Without it each page sorted every document of the collection:
 * an export of 100,000 events read 50 pages, each a full sort, and went quadratic. Ids are only
 * ever added (the port has no delete but drop), so new ones are merged in on the next read.
 */
import { Query } from 'mingo';
import type { Doc, Filter } from './read-model.port.ts';

export class IdOrder {
  private sorted: string[] = [];
  private added: string[] = [];

  add(id: string): void {
    this.added.push(id);
  }

  clear(): void {
    this.sorted = [];
    this.added = [];
  }

  /**
   * Up to `limit` documents matching `filter` in `_id` order (`direction` 1 or -1), starting at the
   * bound the filter's own `_id` range sets, if any: the same answer as sorting them all.
   */
  page(docs: ReadonlyMap<string, Doc>, filter: Filter, direction: 1 | -1, limit: number): Doc[] {
    this.merge();
    const query = new Query(filter);
    const out: Doc[] = [];
    const range = idRange(filter);
    if (direction === 1) {
      for (let i = range?.from === undefined ? 0 : lowerBound(this.sorted, range.from); i < this.sorted.length && out.length < limit; i += 1) {
        const doc = docs.get(this.sorted[i])!;
        if (query.test(doc)) out.push(doc);
      }
    } else {
      for (let i = range?.to === undefined ? this.sorted.length - 1 : upperBound(this.sorted, range.to) - 1; i >= 0 && out.length < limit; i -= 1) {
        const doc = docs.get(this.sorted[i])!;
        if (query.test(doc)) out.push(doc);
      }
    }
    return out;
  }

  private merge(): void {
    if (this.added.length === 0) return;
    const added = [...new Set(this.added)].sort();
    this.added = [];
    const merged: string[] = [];
    let [i, j] = [0, 0];
    while (i < this.sorted.length || j < added.length) {
      if (j >= added.length || (i < this.sorted.length && this.sorted[i] < added[j])) merged.push(this.sorted[i++]);
      else if (i < this.sorted.length && this.sorted[i] === added[j]) j += 1; // already there
      else merged.push(added[j++]);
    }
    this.sorted = merged;
  }
}

/** Where a filter's own string bounds on `_id` let a scan start (ascending: from; descending: to). Only a narrowing: the query still tests each document. */
function idRange(filter: Filter): { from?: string; to?: string } | undefined {
  const id = filter._id;
  if (id === null || typeof id !== 'object' || Array.isArray(id)) return undefined;
  const { $gt, $gte, $lt, $lte } = id as Record<string, unknown>;
  const from = typeof $gte === 'string' ? $gte : typeof $gt === 'string' ? $gt : undefined;
  const to = typeof $lte === 'string' ? $lte : typeof $lt === 'string' ? $lt : undefined;
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** The first index whose id is >= value. */
function lowerBound(ids: readonly string[], value: string): number {
  let [lo, hi] = [0, ids.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose id is > value. */
function upperBound(ids: readonly string[], value: string): number {
  let [lo, hi] = [0, ids.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
