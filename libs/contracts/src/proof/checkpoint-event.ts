/**
 * The `CheckpointSigned` event: a checkpoint written to the log itself, so the log's order says
 * which events it covers (those before it). Deliberately NOT in the ActionEvent union: five
 * exhaustive switches over action events (approval, audit, notifier, cli) would each need a case
 * for an event that never belongs to an action stream. It lives on its own stream.
 */
import { sha256Hex } from '../schemas/primitives.ts';
import type { StreamHead } from './merkle.ts';

/** The stream the checkpoint writer appends CheckpointSigned events to. */
export const CHECKPOINT_STREAM_ID = 'countersign.checkpoints';
export const CHECKPOINT_SIGNED = 'CheckpointSigned';

export interface CheckpointSignedData {
  /** The compact JWS: the only signed part; the rest repeats it for readers and indexes. */
  checkpoint: string;
  number: number;
  root: string;
  streams: number;
  prev: string;
  /**
   * The heads that changed since the previous checkpoint (all of them in the first). Not signed,
   * but bound by the root: a verifier accumulates them and accepts them only if they give the
   * signed root. They let it name a deleted or truncated stream instead of only a root mismatch.
   */
  changed: StreamHead[];
}

/** Bounded: a writer checkpoints early rather than list more changed heads in one record. */
export const MAX_CHANGED_HEADS = 10_000;

export const checkpointSignedSchema = {
  type: 'object',
  required: ['checkpoint', 'number', 'root', 'streams', 'prev', 'changed'],
  additionalProperties: false,
  properties: {
    checkpoint: { type: 'string', minLength: 1, maxLength: 65_536, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
    number: { type: 'integer', minimum: 1 },
    root: sha256Hex,
    streams: { type: 'integer', minimum: 0 },
    prev: sha256Hex,
    changed: {
      type: 'array',
      maxItems: MAX_CHANGED_HEADS,
      items: {
        type: 'object',
        required: ['streamId', 'seq', 'hash'],
        additionalProperties: false,
        properties: { streamId: { type: 'string', minLength: 1, maxLength: 512 }, seq: { type: 'integer', minimum: 1 }, hash: sha256Hex },
      },
    },
  },
} as const;

/**
 * Every stream's head as the given checkpoints committed to them, accumulated from their `changed`
 * lists (in number order, from checkpoint 1). Trusts its input: a verifier checks the result
 * against the signed root (verify-evidence does); a server uses it to build proofs from its own log.
 */
export function committedHeads(checkpoints: Iterable<Pick<CheckpointSignedData, 'changed'>>): Map<string, { seq: number; hash: string }> {
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const c of checkpoints) for (const h of c.changed) heads.set(h.streamId, { seq: h.seq, hash: h.hash });
  return heads;
}
