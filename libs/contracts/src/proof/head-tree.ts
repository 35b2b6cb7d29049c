/**
 * The Merkle tree of one checkpoint's heads, kept whole so that many inclusion proofs are each
 * O(log n) instead of O(n) hashes (merkle.ts's inclusionProof builds the tree again per call). The
 * same tree as merkle.ts's (RFC 6962, heads sorted by stream id): a spec checks both agree. Each
 * level is one contiguous Buffer of 32-byte digests: ~64 bytes per stream, not one object per node.
 */
import { createHash } from 'node:crypto';
import { EMPTY_TREE_ROOT, headLeafHash, sortHeads, type StreamHead } from './merkle.ts';

const DIGEST = 32;
const NODE_PREFIX = Buffer.from([0x01]);

export interface HeadTree {
  /** Leaf count: how many streams the tree covers. */
  readonly size: number;
  readonly root: string;
  /** The stream's leaf: its index and head, or undefined when the tree does not cover it. */
  leaf(streamId: string): { index: number; head: StreamHead } | undefined;
  /** The audit path of leaf `index`, bottom up (RFC 6962 §2.1.1), as merkle.ts's inclusionProof gives it. */
  path(index: number): string[];
}

/** Builds the tree over heads in any order (sorted here; a stream id twice is refused). */
export function headTree(heads: Iterable<StreamHead>): HeadTree {
  const sorted = sortHeads(heads);
  const levels: Buffer[] = [Buffer.concat(sorted.map((h) => Buffer.from(headLeafHash(h), 'hex')))];
  for (let level = levels[0]; level.length > DIGEST; ) {
    const count = level.length / DIGEST;
    const up = Buffer.allocUnsafe(Math.ceil(count / 2) * DIGEST);
    for (let i = 0; i + 1 < count; i += 2) {
      createHash('sha256').update(NODE_PREFIX).update(level.subarray(i * DIGEST, (i + 2) * DIGEST)).digest().copy(up, (i / 2) * DIGEST);
    }
    // A last node without a sibling moves up unchanged (the same tree as RFC 6962's split).
    if (count % 2 === 1) level.copy(up, ((count - 1) / 2) * DIGEST, (count - 1) * DIGEST);
    levels.push(up);
    level = up;
  }
  const root = sorted.length === 0 ? EMPTY_TREE_ROOT : levels.at(-1)!.toString('hex');
  return {
    size: sorted.length,
    root,
    leaf(streamId) {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const id = sorted[mid].streamId;
        if (id === streamId) return { index: mid, head: sorted[mid] };
        if (id < streamId) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
    path(index) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= sorted.length) throw new RangeError(`leaf index ${index} is outside a tree of ${sorted.length} leaves`);
      const path: string[] = [];
      let i = index;
      for (const level of levels.slice(0, -1)) {
        const sibling = i % 2 === 1 ? i - 1 : i + 1;
        if (sibling * DIGEST < level.length) path.push(level.toString('hex', sibling * DIGEST, (sibling + 1) * DIGEST));
        i = Math.floor(i / 2);
      }
      return path;
    },
  };
}
