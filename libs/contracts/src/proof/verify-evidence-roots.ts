/**
 * The Merkle root over every stream's head as the checkpoints' `changed` lists accumulate, computed
 * once per checkpoint. The same root as merkle.ts's headsRoot, but each leaf is hashed once when
 * its head changes (not at every checkpoint: a leaf hash is canonical JSON plus SHA-256, the bulk
 * of headsRoot's time), the stream ids stay sorted (new ones merged in), and the levels are
 * contiguous buffers. A root is still O(streams) node hashes per checkpoint: the tree's shape
 * moves whenever a stream is added, so no path can be kept.
 */
import { hash } from 'node:crypto';
import { EMPTY_TREE_ROOT, headLeafHash, type StreamHead } from './merkle.ts';

const DIGEST = 32;

export class AccumulatedRoot {
  private readonly leaves = new Map<string, Buffer>();
  private sorted: string[] = [];
  private added: string[] = [];

  get size(): number {
    return this.leaves.size;
  }

  set(head: StreamHead): void {
    if (!this.leaves.has(head.streamId)) this.added.push(head.streamId);
    this.leaves.set(head.streamId, Buffer.from(headLeafHash(head), 'hex'));
  }

  root(): string {
    if (this.added.length > 0) this.merge();
    const count = this.sorted.length;
    if (count === 0) return EMPTY_TREE_ROOT;
    // One scratch buffer for every node: 0x01 ‖ left ‖ right, hashed one-shot (no hash object per node).
    const node = Buffer.alloc(1 + 2 * DIGEST, 0x01);
    let level = Buffer.allocUnsafe(count * DIGEST);
    this.sorted.forEach((id, i) => this.leaves.get(id)!.copy(level, i * DIGEST));
    while (level.length > DIGEST) {
      const n = level.length / DIGEST;
      const up = Buffer.allocUnsafe(Math.ceil(n / 2) * DIGEST);
      for (let i = 0; i + 1 < n; i += 2) {
        level.copy(node, 1, i * DIGEST, (i + 2) * DIGEST);
        hash('sha256', node, 'buffer').copy(up, (i / 2) * DIGEST);
      }
      // A last node without a sibling moves up unchanged (RFC 6962's tree, as merkle.ts builds it).
      if (n % 2 === 1) level.copy(up, ((n - 1) / 2) * DIGEST, (n - 1) * DIGEST);
      level = up;
    }
    return level.toString('hex');
  }

  /** The new ids sorted and merged into the sorted ones (plain string order, as sortHeads). */
  private merge(): void {
    const added = this.added.sort();
    this.added = [];
    const merged: string[] = new Array(this.sorted.length + added.length);
    let [i, j, k] = [0, 0, 0];
    while (i < this.sorted.length || j < added.length) {
      merged[k++] = j >= added.length || (i < this.sorted.length && this.sorted[i] < added[j]) ? this.sorted[i++] : added[j++];
    }
    this.sorted = merged;
  }
}
