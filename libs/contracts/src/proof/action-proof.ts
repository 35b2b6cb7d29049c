/**
 * An inclusion proof for one action: what an auditor needs to check one stream against a signed
 * checkpoint without the rest of the log.
 */
import type { EventEnvelope } from '../envelope.ts';
import { verifyChain } from '../hash-chain.ts';
import { readCheckpoint, type CheckpointKeys, type CheckpointPayload } from './checkpoint.ts';
import { headLeafHash, inclusionProof, sortHeads, verifyInclusion, type StreamHead } from './merkle.ts';

export interface ActionProof {
  /** The signed checkpoint (compact JWS). */
  checkpoint: string;
  /** The stream's events from seq 1 up to its head at the checkpoint. */
  events: EventEnvelope[];
  leafIndex: number;
  treeSize: number;
  /** Audit path from the stream's head leaf to the checkpoint's root, bottom up. */
  path: string[];
}

/**
 * Builds the proof for `streamId` from the checkpoint and every head it committed to. Throws when
 * the inputs disagree (the caller's own data is inconsistent; nothing an auditor sees).
 */
export function actionProof(input: { checkpoint: string; heads: Iterable<StreamHead>; streamId: string; events: readonly EventEnvelope[] }): ActionProof {
  const sorted = sortHeads(input.heads);
  const leafIndex = sorted.findIndex((h) => h.streamId === input.streamId);
  if (leafIndex < 0) throw new RangeError(`stream ${input.streamId} is not covered by the checkpoint`);
  const head = sorted[leafIndex];
  const events = input.events.filter((e) => e.seq <= head.seq);
  const last = events.at(-1);
  if (!last || last.seq !== head.seq || last.hash !== head.hash) throw new RangeError(`the events of ${input.streamId} do not reach its head at seq ${head.seq}`);
  return { checkpoint: input.checkpoint, events, leafIndex, treeSize: sorted.length, path: inclusionProof(sorted.map(headLeafHash), leafIndex) };
}

export type ActionProofCheck =
  | { ok: true; checkpoint: CheckpointPayload; kid: string; head: StreamHead }
  | { ok: false; problem: 'checkpoint' | 'chain' | 'inclusion'; detail: string };

/** Checks the signature, the events' chain from seq 1, and that their last event is the leaf the path leads from to the signed root. */
export async function verifyActionProof(proof: ActionProof, keys: CheckpointKeys, options: { log?: string } = {}): Promise<ActionProofCheck> {
  const read = await readCheckpoint(proof.checkpoint, keys, options);
  if (!read.ok) return { ok: false, problem: 'checkpoint', detail: `${read.failure}: ${read.detail}` };
  const events = Array.isArray(proof.events) ? proof.events : [];
  const streamId = events[0]?.streamId;
  if (streamId === undefined || events.some((e) => e.streamId !== streamId)) return { ok: false, problem: 'chain', detail: 'the events are not of one stream' };
  const chain = verifyChain(events);
  if (!chain.ok) return { ok: false, problem: 'chain', detail: `seq ${chain.seq}: ${chain.problem}` };
  const head = { streamId, seq: chain.head!.seq, hash: chain.head!.hash };
  if (proof.treeSize !== read.payload.streams) return { ok: false, problem: 'inclusion', detail: `tree size ${proof.treeSize}, but the checkpoint covers ${read.payload.streams} streams` };
  if (!Array.isArray(proof.path) || !verifyInclusion(headLeafHash(head), proof.leafIndex, proof.treeSize, proof.path, read.payload.root)) {
    return { ok: false, problem: 'inclusion', detail: `the head at seq ${head.seq} does not lead to the checkpoint's root by the path` };
  }
  return { ok: true, checkpoint: read.payload, kid: read.kid, head };
}
