/**
 * Inclusion proofs from the read models (ADR 0007): the heads the latest checkpoint committed to
 * are those of every checkpoint's `changed` list up to it, and its tree is kept for as long as it
 * is the latest, so one proof costs one read of the action's events and O(log n) hashes.
 */
import { headTree, type ActionProof, type EventEnvelope, type HeadTree, type StreamHead } from '@countersign/contracts';
import { checkpointRange } from './checkpoint-query.ts';
import type { SignedCheckpointDoc, StoredEvent } from './collections.ts';
import type { Queryable } from './keyset-page.ts';

/** The latest checkpoint's tree, as its signed root says. */
export interface CommittedTree {
  checkpoint: SignedCheckpointDoc;
  tree: HeadTree;
}

/** The heads accumulated from the stored checkpoints do not give the signed root (a gap or an altered list). */
export class CommittedHeadsMismatch extends Error {
  constructor(number: number, detail: string) {
    super(`the heads listed up to checkpoint ${number} do not give its signed root: ${detail}`);
    this.name = 'CommittedHeadsMismatch';
  }
}

/**
 * One committed tree at a time, moved on from the one before by the checkpoints after it (their
 * `changed` lists), never read again from checkpoint 1 unless that fails. Memory: the heads map
 * and the tree, O(streams). Concurrent callers asking for the same checkpoint share one build.
 */
export class CommittedTrees {
  private heads = new Map<string, { seq: number; hash: string }>();
  private number = 0;
  private current?: CommittedTree;
  private building?: { number: number; done: Promise<CommittedTree> };

  constructor(private readonly rows: Queryable<SignedCheckpointDoc>) {}

  /** The tree of `latest` (or of a newer checkpoint already built). */
  async at(latest: SignedCheckpointDoc): Promise<CommittedTree> {
    if (this.current && this.current.checkpoint.number >= latest.number) return this.current;
    if (this.building && this.building.number >= latest.number) return this.building.done;
    const done = this.build(latest).finally(() => {
      if (this.building?.done === done) this.building = undefined;
    });
    this.building = { number: latest.number, done };
    return done;
  }

  private async build(latest: SignedCheckpointDoc): Promise<CommittedTree> {
    // Builds run one after another: a newer one waits for the one in progress and moves on from it.
    await this.building?.done.catch(() => undefined);
    if (this.current && this.current.checkpoint.number >= latest.number) return this.current;
    const incremental = this.number > 0;
    try {
      return await this.advance(latest);
    } catch (error) {
      if (!incremental) throw error;
      // The increment failed on what was built before (a list changed under it): start over once.
      this.reset();
      return this.advance(latest);
    }
  }

  private async advance(latest: SignedCheckpointDoc): Promise<CommittedTree> {
    try {
      for await (const doc of checkpointRange(this.rows, this.number + 1, latest.number)) {
        for (const h of doc.event.data.changed) this.heads.set(h.streamId, { seq: h.seq, hash: h.hash });
        this.number = doc.number;
      }
      const tree = headTree([...this.heads].map(([streamId, h]) => ({ streamId, ...h })));
      if (tree.root !== latest.root || tree.size !== latest.streams) {
        throw new CommittedHeadsMismatch(latest.number, `root ${tree.root} over ${tree.size} streams, signed ${latest.root} over ${latest.streams}`);
      }
      this.current = { checkpoint: latest, tree };
      return this.current;
    } catch (error) {
      this.reset();
      throw error;
    }
  }

  private reset(): void {
    this.heads = new Map();
    this.number = 0;
    this.current = undefined;
  }
}

export type ProofOutcome =
  | { ok: true; proof: ActionProof; head: StreamHead }
  /** `not-covered`: no checkpoint has the stream yet; `events-behind`: the read model lacks events the checkpoint covers. */
  | { ok: false; reason: 'not-covered' | 'events-behind'; detail: string };

/** A stored event as it was on the log (the read model keeps the id as `eventId` beside `_id`). */
export function storedAsWritten({ _id, eventId, ...rest }: StoredEvent): EventEnvelope {
  return { ...rest, id: eventId } as unknown as EventEnvelope;
}

/**
 * The inclusion proof of `streamId` under the committed tree: its events from seq 1 up to its head
 * at the checkpoint, and the head's audit path. Built only from what the read model holds; the
 * caller verifies it (verifyActionProof) before handing it out.
 */
export async function buildActionProof(committed: CommittedTree, events: Queryable<StoredEvent>, streamId: string): Promise<ProofOutcome> {
  const leaf = committed.tree.leaf(streamId);
  if (!leaf) return { ok: false, reason: 'not-covered', detail: `checkpoint ${committed.checkpoint.number} does not cover ${streamId} yet` };
  const { head, index } = leaf;
  const stored = await events.find({ streamId, seq: { $lte: head.seq } }, { sort: { seq: 1 }, limit: head.seq });
  const last = stored.at(-1);
  if (stored.length !== head.seq || !last || last.seq !== head.seq) {
    return { ok: false, reason: 'events-behind', detail: `the read model holds ${stored.length} of the ${head.seq} events checkpoint ${committed.checkpoint.number} covers` };
  }
  const proof: ActionProof = {
    checkpoint: committed.checkpoint.event.data.checkpoint,
    events: stored.map(storedAsWritten),
    leafIndex: index,
    treeSize: committed.tree.size,
    path: committed.tree.path(index),
  };
  return { ok: true, proof, head };
}
