/**
 * Merkle trees with RFC 6962 hashing (RFC 9162 §2.1), over the heads of the log's streams. A
 * checkpoint signs one root; an auditor holding one stream's head and its audit path checks it
 * belongs without the rest of the log. Hashes are lowercase hex at the API, Buffers inside.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../hash-chain.ts';

/** The last event of a stream: what a checkpoint commits to for it. */
export interface StreamHead {
  streamId: string;
  seq: number;
  hash: string;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const HEX_DIGEST = /^[0-9a-f]{64}$/;

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** Root of the empty tree: SHA-256 of nothing (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT = sha256().toString('hex');

/** Leaf hash of arbitrary leaf data: SHA-256(0x00 ‖ data). The prefix keeps a leaf from passing for a node. */
export function merkleLeafHash(data: Uint8Array | string): string {
  return sha256(LEAF_PREFIX, typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('hex');
}

/** Leaf hash of a stream head: its leaf data is the canonical JSON of `{hash, seq, streamId}`. */
export function headLeafHash(head: StreamHead): string {
  return merkleLeafHash(headLeafData(head));
}

/**
 * The canonical JSON of a head, written out for its fixed shape: a checkpoint hashes every
 * stream's leaf, and the general canonicalizer costs ~10× this. Byte for byte what canonicalJson
 * gives (keys already in order; it writes strings and numbers with JSON.stringify too), which a
 * property test holds it to; any other value types take the general path.
 */
function headLeafData(head: StreamHead): string {
  const { hash, seq, streamId } = head;
  if (typeof hash !== 'string' || typeof seq !== 'number' || typeof streamId !== 'string') return canonicalJson({ hash, seq, streamId });
  return `{"hash":${JSON.stringify(hash)},"seq":${JSON.stringify(seq)},"streamId":${JSON.stringify(streamId)}}`;
}

/**
 * Heads in tree order: by streamId in plain string order (ids are ASCII, so this is byte order and
 * any other implementation sorts them the same). A stream id twice is refused: one leaf per stream.
 */
export function sortHeads(heads: Iterable<StreamHead>): StreamHead[] {
  const sorted = [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].streamId === sorted[i - 1].streamId) throw new RangeError(`stream ${sorted[i].streamId} has two heads`);
  }
  return sorted;
}

/** Root over stream heads in any order (they are sorted here). */
export function headsRoot(heads: Iterable<StreamHead>): string {
  return merkleRoot(sortHeads(heads).map(headLeafHash));
}

/**
 * Every level of the tree, bottom up, built pairwise: a last node without a sibling moves up
 * unchanged. That is the same tree as RFC 6962's split at the largest power of two below n, in
 * O(n) hashes and without recursion.
 */
function levels(leafHashes: readonly string[]): Buffer[][] {
  const all: Buffer[][] = [leafHashes.map(toDigest)];
  for (let level = all[0]; level.length > 1; ) {
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) up.push(level[level.length - 1]);
    all.push(up);
    level = up;
  }
  return all;
}

/** MTH(D[n]) over leaf hashes (from merkleLeafHash or headLeafHash), in tree order. */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) return EMPTY_TREE_ROOT;
  return levels(leafHashes).at(-1)![0].toString('hex');
}

/** The audit path PATH(m, D[n]) of leaf `index`, bottom up (RFC 6962 §2.1.1). */
export function inclusionProof(leafHashes: readonly string[], index: number): string[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${leafHashes.length} leaves`);
  }
  const path: string[] = [];
  let i = index;
  for (const level of levels(leafHashes).slice(0, -1)) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1;
    // No sibling: the node moved up unchanged, and RFC 6962's path has no element for this level.
    if (sibling < level.length) path.push(level[sibling].toString('hex'));
    i = Math.floor(i / 2);
  }
  return path;
}

/**
 * Whether `path` proves the leaf with hash `leafHash` is leaf `index` of the tree of `treeSize`
 * leaves with root `root`: RFC 9162 §2.1.3.2, step by step. Never throws; malformed input is false.
 */
export function verifyInclusion(leafHash: string, index: number, treeSize: number, path: readonly string[], root: string): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (!HEX_DIGEST.test(leafHash) || !HEX_DIGEST.test(root) || !path.every((p) => HEX_DIGEST.test(p))) return false;
  // Halving with Math.floor, not >>, so trees beyond 2^31 leaves would not wrap.
  const half = (x: number) => Math.floor(x / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash, 'hex');
  for (const hex of path) {
    if (sn === 0) return false;
    const p = Buffer.from(hex, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.toString('hex') === root;
}

function toDigest(hex: string): Buffer {
  if (!HEX_DIGEST.test(hex)) throw new TypeError(`not a SHA-256 hex digest: ${hex.slice(0, 80)}`);
  return Buffer.from(hex, 'hex');
}
