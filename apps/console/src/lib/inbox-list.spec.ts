import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keepSelection, upsert, without } from './inbox-list.ts';

const item = (id: string, createdAt: string) => ({ id, createdAt });

describe('inbox list', () => {
  it('given a page and a live request, when merged, then the list is newest first without duplicates', () => {
    const page = [item('b', '2026-12-03T10:00:00Z'), item('a', '2026-12-03T09:00:00Z')];
    const merged = upsert(page, [item('c', '2026-12-03T11:00:00Z'), item('a', '2026-12-03T09:00:00Z')]);
    assert.deepEqual(merged.map((i) => i.id), ['c', 'b', 'a']);
    assert.deepEqual(without(merged, 'b').map((i) => i.id), ['c', 'a']);
  });

  it('given the selected item moved or left, when the list changes, then the selection follows it or stays in place', () => {
    const before = [item('c', '3'), item('b', '2'), item('a', '1')];
    assert.equal(keepSelection(before, [item('d', '4'), ...before], 1), 2);
    assert.equal(keepSelection(before, [item('c', '3'), item('a', '1')], 1), 1);
    assert.equal(keepSelection(before, [item('c', '3')], 2), 0);
    assert.equal(keepSelection(before, [], 2), 0);
  });

  it('property: upsert keeps one item per id, sorted newest first', () => {
    const items = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e'), createdAt: fc.constantFrom('1', '2', '3') }));
    fc.assert(fc.property(items, items, (a, b) => {
      const merged = upsert(upsert([], a), b);
      assert.equal(new Set(merged.map((i) => i.id)).size, merged.length);
      for (let i = 1; i < merged.length; i++) assert.ok(merged[i - 1].createdAt >= merged[i].createdAt);
    }));
  });
});
