import {
  checkpointHash, CHECKPOINT_STREAM_ID, GENESIS_HASH, headsRoot, sealEvents, signCheckpoint,
  type CheckpointPayload, type CheckpointSignedData, type EventEnvelope, type StreamHead,
} from '@countersign/contracts';
import { signedCheckpointId, type SignedCheckpointDoc } from '../collections.ts';

type Signer = Parameters<typeof signCheckpoint>[1];

/**
 * A chain of signed checkpoints as the projector stores them: checkpoint i commits to every head
 * given up to step i (a later head of a stream replaces its earlier one), lists the heads that
 * changed, and chains to checkpoint i - 1. One minute apart from 2026-01-15T00:00Z.
 */
export async function checkpointDocs(steps: readonly (readonly StreamHead[])[], signer: Signer, log = 'test'): Promise<SignedCheckpointDoc[]> {
  const heads = new Map<string, StreamHead>();
  const docs: SignedCheckpointDoc[] = [];
  let prev = GENESIS_HASH;
  let head: { seq: number; hash: string } | undefined;
  for (const [i, step] of steps.entries()) {
    const changed = step.filter((h) => heads.get(h.streamId)?.hash !== h.hash);
    for (const h of step) heads.set(h.streamId, h);
    const number = i + 1;
    const at = new Date(Date.UTC(2026, 0, 15, 0, i)).toISOString();
    const payload: CheckpointPayload = { v: 1, log, number, at, streams: heads.size, root: headsRoot(heads.values()), positions: {}, prev };
    const data: CheckpointSignedData = { checkpoint: await signCheckpoint(payload, signer), number, root: payload.root, streams: payload.streams, prev, changed };
    const [event] = sealEvents([{ type: 'CheckpointSigned', data, actor: { id: 'audit-projector', kind: 'service' } }], {
      streamId: CHECKPOINT_STREAM_ID, ...(head ? { head } : {}), causationId: `cp-${number}`, correlationId: `cp-${number}`, now: () => new Date(at), newId: () => `cp-${number}`,
    }) as [EventEnvelope<'CheckpointSigned', CheckpointSignedData>];
    head = { seq: event.seq, hash: event.hash };
    prev = checkpointHash(payload);
    docs.push({ _id: signedCheckpointId(number), number, at, root: payload.root, streams: payload.streams, kid: signer.kid, event });
  }
  return docs;
}
