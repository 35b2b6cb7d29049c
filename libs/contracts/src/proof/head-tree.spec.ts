import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { headTree } from './head-tree.ts';
import { EMPTY_TREE_ROOT, headLeafHash, headsRoot, inclusionProof, sortHeads, verifyInclusion, type StreamHead } from './merkle.ts';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const headsOf = (ids: string[]): StreamHead[] => ids.map((streamId, i) => ({ streamId, seq: i + 1, hash: hex(i) }));

describe('headTree', () => {
  it('given no heads, then its root is the empty tree\'s and it covers nothing', () => {
    const tree = headTree([]);
    assert.equal(tree.size, 0);
    assert.equal(tree.root, EMPTY_TREE_ROOT);
    assert.equal(tree.leaf('a'), undefined);
  });

  it('given any heads, then root, leaves and paths are merkle.ts\'s, and every path verifies', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 70 }), (ids) => {
      const heads = headsOf(ids);
      const tree = headTree(heads);
      const sorted = sortHeads(heads);
      const leaves = sorted.map(headLeafHash);
      assert.equal(tree.root, headsRoot(heads));
      assert.equal(tree.size, heads.length);
      for (const [index, head] of sorted.entries()) {
        assert.deepEqual(tree.leaf(head.streamId), { index, head });
        const path = tree.path(index);
        assert.deepEqual(path, inclusionProof(leaves, index));
        assert.ok(verifyInclusion(leaves[index], index, tree.size, path, tree.root));
      }
      assert.equal(tree.leaf('\u{10FFFF}absent'), undefined);
    }), { numRuns: 100 });
  });

  it('given an index outside the tree, when its path is asked, then it is refused', () => {
    assert.throws(() => headTree(headsOf(['a', 'b'])).path(2), RangeError);
  });
});
