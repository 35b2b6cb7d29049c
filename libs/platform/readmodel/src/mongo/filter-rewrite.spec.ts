import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Query } from 'mingo';
import { rewriteFilter } from './filter-rewrite.ts';

const docs = [
  { _id: 'none', votes: [] },
  { _id: 'bob', votes: [{ voter: 'bob' }] },
  { _id: 'alice', votes: [{ voter: 'alice' }] },
  { _id: 'x-then-alice', votes: [{ voter: 'x' }, { voter: 'alice' }] },
  { _id: 'no-field' },
];
const matching = (filter: Record<string, unknown>) => docs.filter((d) => new Query(filter).test(d)).map((d) => d._id);

describe('filter rewrite (negations on dotted paths become $nor)', () => {
  it('given $ne on a dotted path, it becomes $nor of $eq', () => {
    assert.deepEqual(rewriteFilter({ 'votes.voter': { $ne: 'alice' } }), { $nor: [{ 'votes.voter': { $eq: 'alice' } }] });
  });

  it('given $nin and $not, they become $nor of $in and of the inner condition; other operators stay', () => {
    assert.deepEqual(rewriteFilter({ 'a.b': { $nin: ['x'], $exists: true }, 'c.d': { $not: { $gt: 3 } } }), {
      'a.b': { $exists: true },
      $nor: [{ 'a.b': { $in: ['x'] } }, { 'c.d': { $gt: 3 } }],
    });
  });

  it('given the gateway approver=me filter, it is rewritten inside $and and means the same (checked with mingo)', () => {
    const gateway = { $and: [{ status: 'pending', 'votes.voter': { $ne: 'alice' } }] };
    const rewritten = rewriteFilter(gateway);
    assert.deepEqual(rewritten, { $and: [{ status: 'pending', $nor: [{ 'votes.voter': { $eq: 'alice' } }] }] });
    const plain = { 'votes.voter': { $ne: 'alice' } };
    assert.deepEqual(matching(rewriteFilter(plain)), matching(plain));
    assert.deepEqual(matching(rewriteFilter(plain)), ['none', 'bob', 'no-field']);
  });

  it('given an existing $nor, the negations join it', () => {
    assert.deepEqual(rewriteFilter({ $nor: [{ s: 'x' }], 'a.b': { $ne: 1 } }), { $nor: [{ s: 'x' }, { 'a.b': { $eq: 1 } }] });
  });

  it('given $not holding $ne, both negations are rewritten', () => {
    const filter = { 'votes.voter': { $not: { $ne: 'alice' } } };
    assert.deepEqual(rewriteFilter(filter), { $nor: [{ $nor: [{ 'votes.voter': { $eq: 'alice' } }] }] });
    assert.deepEqual(matching(rewriteFilter(filter)), matching(filter));
  });

  it('leaves alone paths without a dot, equality, literal sub-documents and regular expressions', () => {
    const filter = { tags: { $ne: 'x' }, 'a.b': 'y', 'c.d': { e: 1 }, 'f.g': { $not: /z/ }, $or: [{ s: 1 }] };
    assert.deepEqual(rewriteFilter(filter), { tags: { $ne: 'x' }, 'a.b': 'y', 'c.d': { e: 1 }, $or: [{ s: 1 }], $nor: [{ 'f.g': /z/ }] });
  });
});
