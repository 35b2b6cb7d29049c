import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '../hash-chain.ts';
import { EMPTY_TREE_ROOT, headLeafHash, headsRoot, inclusionProof, merkleLeafHash, merkleRoot, sortHeads, verifyInclusion } from './merkle.ts';

/** RFC 6962 §2.1 as written: recursive, split at the largest power of two below n. */
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const largestPowerBelow = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0];
  const k = largestPowerBelow(leaves.length);
  return sha(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}
function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerBelow(leaves.length);
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

const leafHashesOf = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => merkleLeafHash(`leaf ${salt}/${i}`));
const flipBit = (hex: string, bit: number) => {
  const b = Buffer.from(hex, 'hex');
  b[Math.floor(bit / 8) % 32] ^= 1 << bit % 8;
  return b.toString('hex');
};

describe('merkle tree (RFC 6962 hashing)', () => {
  it('hashes a head leaf over exactly the canonical JSON of {hash, seq, streamId}, whatever the stream id holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 10 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.stringMatching(/^[0-9a-f]{64}$/), (streamId, extra, seq, hash) => {
        const head = { streamId: streamId + extra, seq, hash };
        assert.equal(headLeafHash(head), merkleLeafHash(canonicalJson({ hash: head.hash, seq: head.seq, streamId: head.streamId })));
      }),
      { numRuns: 300 },
    );
  });

  it('given the Certificate Transparency test leaves, the roots are the published ones', () => {
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const leaves = data.map((d) => merkleLeafHash(d));
    roots.forEach((root, i) => assert.equal(merkleRoot(leaves.slice(0, i + 1)), root, `tree of ${i + 1}`));
    assert.equal(merkleRoot([]), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(EMPTY_TREE_ROOT, merkleRoot([]));
  });

  it('for any size 0..300, the root and the audit paths equal the recursive reference, and every path verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.nat(), (n, salt) => {
        const leaves = leafHashesOf(n, salt);
        const raw = leaves.map((h) => Buffer.from(h, 'hex'));
        const root = merkleRoot(leaves);
        assert.equal(root, referenceRoot(raw).toString('hex'));
        // Every leaf of small trees; of larger ones the edges and 24 leaves spread by the salt (each
        // path costs O(n) here, and all of them made this one test 10 to 20 s of the unit tier).
        const indices = n <= 64 ? [...Array(n).keys()] : [...new Set([0, 1, n - 2, n - 1, ...Array.from({ length: 24 }, (_, i) => (salt + i * 97) % n)])];
        for (const m of indices) {
          const path = inclusionProof(leaves, m);
          assert.deepEqual(path, referencePath(m, raw).map((b) => b.toString('hex')));
          assert.ok(verifyInclusion(leaves[m], m, n, path, root), `leaf ${m} of ${n}`);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('when any path element, the leaf, the index or the root is altered, the proof fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat({ max: 255 }), (n, pick, salt, bit) => {
        const leaves = leafHashesOf(n, salt);
        const root = merkleRoot(leaves);
        const m = pick % n;
        const path = inclusionProof(leaves, m);
        path.forEach((_, j) => {
          const bad = path.map((p, i) => (i === j ? flipBit(p, bit) : p));
          assert.equal(verifyInclusion(leaves[m], m, n, bad, root), false, `path[${j}]`);
        });
        assert.equal(verifyInclusion(flipBit(leaves[m], bit), m, n, path, root), false, 'leaf');
        assert.equal(verifyInclusion(leaves[m], m, n, path, flipBit(root, bit)), false, 'root');
        if (n > 1) assert.equal(verifyInclusion(leaves[m], (m + 1) % n, n, path, root), false, 'index');
        assert.equal(verifyInclusion(leaves[m], m, n, [...path, root], root), false, 'extra element');
      }),
      { numRuns: 100 },
    );
  });

  it('malformed input never throws from verifyInclusion', () => {
    const leaves = leafHashesOf(5);
    const root = merkleRoot(leaves);
    assert.equal(verifyInclusion(leaves[0], -1, 5, inclusionProof(leaves, 0), root), false);
    assert.equal(verifyInclusion(leaves[0], 5, 5, [], root), false);
    assert.equal(verifyInclusion('zz', 0, 5, inclusionProof(leaves, 0), root), false);
    assert.equal(verifyInclusion(leaves[0], 0, 5, ['ABC'], root), false);
    assert.throws(() => inclusionProof(leaves, 5), RangeError);
  });

  it('given heads in any order, the root is over them sorted by stream id; a stream twice is refused', () => {
    const heads = [
      { streamId: 'b', seq: 2, hash: 'b'.repeat(64) },
      { streamId: 'a', seq: 1, hash: 'a'.repeat(64) },
      { streamId: 'B', seq: 3, hash: 'c'.repeat(64) },
    ];
    assert.deepEqual(sortHeads(heads).map((h) => h.streamId), ['B', 'a', 'b']);
    assert.equal(headsRoot(heads), merkleRoot(sortHeads(heads).map(headLeafHash)));
    assert.equal(headLeafHash(heads[1]), merkleLeafHash(`{"hash":"${'a'.repeat(64)}","seq":1,"streamId":"a"}`));
    assert.throws(() => sortHeads([...heads, heads[0]]), /two heads/);
  });

  it('a large tree (70,001 leaves, past 2^16) gives its root and a proof that verifies (sanity, not timed)', () => {
    const leaves = leafHashesOf(70_001);
    const root = merkleRoot(leaves);
    assert.ok(verifyInclusion(leaves[65_537], 65_537, leaves.length, inclusionProof(leaves, 65_537), root));
  });
});
