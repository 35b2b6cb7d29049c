import { signedCheckpointId, type SignedCheckpointDoc } from './collections.ts';
import type { Queryable } from './keyset-page.ts';

/** A signed checkpoint as the API lists it: the signed JWS and what it says, without its heads. */
export interface CheckpointItem {
  number: number;
  at: string;
  root: string;
  streams: number;
  kid: string;
  /** The compact JWS: the only part an auditor needs to trust (with the public keys). */
  jws: string;
  prev: string;
  /** How many heads changed since the previous checkpoint (listed in the CheckpointSigned event). */
  changedCount: number;
}

export function presentCheckpoint(doc: SignedCheckpointDoc): CheckpointItem {
  const { data } = doc.event;
  return { number: doc.number, at: doc.at, root: doc.root, streams: doc.streams, kid: doc.kid, jws: data.checkpoint, prev: data.prev, changedCount: data.changed.length };
}

/** Checkpoint documents are read this many at a time: each may list up to 10,000 heads (~1 MB). */
const CHUNK = 10;

/**
 * Checkpoints with numbers after `after` (0: from the first), ascending, at most `limit`. `next` is
 * the `after` of the next page, absent on the last. Keyset by `_id` (the zero-padded number), so
 * pages neither repeat nor skip while checkpoints are added.
 */
export async function findCheckpoints(rows: Queryable<SignedCheckpointDoc>, request: { after?: number; limit: number }): Promise<{ rows: SignedCheckpointDoc[]; next?: number }> {
  const page: SignedCheckpointDoc[] = [];
  let after = request.after ?? 0;
  for (;;) {
    const want = Math.min(request.limit - page.length, CHUNK);
    const batch = await rows.find({ _id: { $gt: signedCheckpointId(after) } }, { sort: { _id: 1 }, limit: want + 1 });
    page.push(...batch.slice(0, want));
    if (batch.length <= want) return { rows: page };
    after = page.at(-1)!.number;
    if (page.length >= request.limit) return { rows: page, next: after };
  }
}

/** The checkpoint with the highest number stored, if any. */
export async function latestCheckpoint(rows: Queryable<SignedCheckpointDoc>): Promise<SignedCheckpointDoc | undefined> {
  return (await rows.find({}, { sort: { _id: -1 }, limit: 1 }))[0];
}

/**
 * Checkpoints `from`..`to` (inclusive) in number order, a few documents at a time. Throws when one
 * is missing: heads accumulated over a gap would be wrong, and nobody should build on them.
 */
export async function* checkpointRange(rows: Queryable<SignedCheckpointDoc>, from: number, to: number): AsyncGenerator<SignedCheckpointDoc> {
  let expected = from;
  while (expected <= to) {
    const batch = await rows.find({ _id: { $gte: signedCheckpointId(expected), $lte: signedCheckpointId(to) } }, { sort: { _id: 1 }, limit: CHUNK });
    if (batch.length === 0) throw new MissingCheckpoint(expected);
    for (const doc of batch) {
      if (doc.number !== expected) throw new MissingCheckpoint(expected);
      yield doc;
      expected += 1;
    }
  }
}

/** A checkpoint the read model does not hold (yet): the projector has not stored it, or it was dead-lettered. */
export class MissingCheckpoint extends Error {
  constructor(readonly number: number) {
    super(`checkpoint ${number} is not in the read model`);
    this.name = 'MissingCheckpoint';
  }
}
