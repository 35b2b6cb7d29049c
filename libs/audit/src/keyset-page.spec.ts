import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readPage, type KeysetOrder, type KeysetPosition, type Page } from './keyset-page.ts';
import { memoryRows } from './testing/memory-rows.ts';

interface Row {
  _id: string;
  at: string;
  size: number;
}

const oldestFirst: KeysetOrder = { field: 'at', direction: 1 };
const newestFirst: KeysetOrder = { field: 'at', direction: -1 };
const row = (id: string, at: string, size = 10): Row => ({ _id: id, at, size });

/** Every page from the first on, as the API's cursors would walk them. */
async function walk(rows: Row[], order: KeysetOrder, limit: number, maxBytes: number): Promise<Page<Row>[]> {
  const store = memoryRows(rows);
  const pages: Page<Row>[] = [];
  let after: KeysetPosition | undefined;
  do {
    const page = await readPage(store, {}, order, { limit, maxBytes, after }, (r) => r.size);
    pages.push(page);
    after = page.next;
    assert.ok(pages.length <= rows.length + 1, 'paging moves on');
  } while (after);
  return pages;
}

const ids = (pages: Page<Row>[]) => pages.map((p) => p.rows.map((r) => r._id));

describe('keyset pages', () => {
  it('given more rows than the limit, then pages hold `limit` rows in order and the last has no next', async () => {
    // given rows with ties on the sort field, broken by _id
    const rows = [row('c', 't1'), row('a', 't1'), row('e', 't3'), row('b', 't2'), row('d', 't2')];
    // when paged three at a time, oldest first, then newest first
    const up = await walk(rows, oldestFirst, 3, 1000);
    const down = await walk(rows, newestFirst, 3, 1000);
    // then
    assert.deepEqual(ids(up), [['a', 'c', 'b'], ['d', 'e']]);
    assert.deepEqual(up[0].next, ['t2', 'b']);
    assert.equal(up[1].next, undefined);
    assert.deepEqual(ids(down), [['e', 'd', 'b'], ['c', 'a']]);
  });

  it('given rows that pass the byte budget, then the page stops before them and the next one continues there', async () => {
    const rows = [row('a', 't1', 400), row('b', 't2', 400), row('c', 't3', 400), row('d', 't4', 400)];
    const pages = await walk(rows, oldestFirst, 1000, 1000);
    assert.deepEqual(ids(pages), [['a', 'b'], ['c', 'd']]);
  });

  it('given one row larger than the whole budget, then it still gets a page of its own', async () => {
    const pages = await walk([row('a', 't1', 5000), row('b', 't2', 10)], oldestFirst, 10, 1000);
    assert.deepEqual(ids(pages), [['a'], ['b']]);
  });

  it('given a large limit, then the store is read in chunks, never more than 51 rows at once', async () => {
    const rows = Array.from({ length: 240 }, (_, i) => row(`r${String(i).padStart(3, '0')}`, `t${String(i).padStart(3, '0')}`, 1));
    const store = memoryRows(rows);
    const page = await readPage(store, {}, oldestFirst, { limit: 1000, maxBytes: 1e9 }, (r) => r.size);
    assert.equal(page.rows.length, 240);
    assert.ok(store.reads.every((n) => n <= 51), `reads ${store.reads}`);
  });

  it('given a filter, then only its rows are paged', async () => {
    const rows = [row('a', 't1', 1), row('b', 't2', 2), row('c', 't3', 1)];
    const page = await readPage(memoryRows(rows), { size: 1 }, oldestFirst, { limit: 10, maxBytes: 100 }, (r) => r.size);
    assert.deepEqual(page.rows.map((r) => r._id), ['a', 'c']);
  });

  it('property: walking every page yields each row once, in order, with no page over its limit or (past one row) its budget', async () => {
    const rowsArb = fc.uniqueArray(
      fc.record({ _id: fc.string({ minLength: 1, maxLength: 4 }), at: fc.constantFrom('t1', 't2', 't3', 't4'), size: fc.integer({ min: 1, max: 300 }) }),
      { selector: (r) => r._id, maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 900 }), fc.boolean(), async (rows, limit, maxBytes, up) => {
        const order = up ? oldestFirst : newestFirst;
        const pages = await walk(rows, order, limit, maxBytes);
        const expected = [...rows].sort((a, b) => (a.at === b.at ? cmp(a._id, b._id) : cmp(a.at, b.at)) * order.direction).map((r) => r._id);
        assert.deepEqual(pages.flatMap((p) => p.rows.map((r) => r._id)), expected);
        for (const p of pages) {
          assert.ok(p.rows.length <= limit);
          if (p.rows.length > 1) assert.ok(p.rows.reduce((n, r) => n + r.size, 0) <= maxBytes);
        }
      }),
      { numRuns: 150 },
    );
  });
});

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
