import type { RejectionCode } from './events.ts';

/**
 * A command the router refused without appending it to the action's chain (docs/events.md,
 * "The security topic"): its author has no part in the action, or the stream already recorded
 * the refusals it keeps per principal. Records on `countersign.security`, keyed by author.
 */
export interface CommandRefused {
  type: 'CommandRefused';
  at: string;
  actionId: string;
  commandId: string;
  command: string;
  author: string;
  kind: 'outsider' | 'rejection_limit';
  code: RejectionCode;
  reason: string;
  /** Refusals of this author that were not recorded since the last record (rate limit). */
  suppressed?: number;
}

export const commandRefusedSchema = {
  type: 'object',
  required: ['type', 'at', 'actionId', 'commandId', 'command', 'author', 'kind', 'code', 'reason'],
  additionalProperties: false,
  properties: {
    type: { const: 'CommandRefused' },
    at: { type: 'string', format: 'date-time' },
    actionId: { type: 'string', minLength: 1, maxLength: 512 },
    commandId: { type: 'string', minLength: 1, maxLength: 512 },
    command: { type: 'string', minLength: 1, maxLength: 64 },
    author: { type: 'string', minLength: 1, maxLength: 512 },
    kind: { enum: ['outsider', 'rejection_limit'] },
    code: { type: 'string', minLength: 1, maxLength: 64 },
    reason: { type: 'string', maxLength: 4000 },
    suppressed: { type: 'integer', minimum: 1 },
  },
} as const;

/**
 * What the audit projector found not to match as it projected (ADR 0007): the log says something
 * other than what was signed or chained before. Each kind is one way a log is tampered with or
 * damaged; `checkpoint` is present when a checkpoint is concerned, `streamId`/`seq` when a stream.
 */
export type IntegrityMismatchKind =
  /** The checkpoint's signature does not verify under the known keys (forged, unknown key, key outside its validity). */
  | 'checkpoint-signature'
  /** Its `number` or `prev` does not follow the previous checkpoint stored. */
  | 'checkpoint-chain'
  /** Its data (number, root, streams, prev) says something else than its signed payload. */
  | 'checkpoint-data'
  /** A head it lists is not the event the projector stored at that seq (edited, hashes recomputed). */
  | 'head-mismatch'
  /** A head it lists is missing though the projector read past what the checkpoint covered (deleted, truncated). */
  | 'head-missing'
  /** An event's hash does not match its content. */
  | 'event-edited'
  /** An event's prevHash does not link to the event stored before it, or a second event at a seq stored already. */
  | 'chain-broken';

export const INTEGRITY_MISMATCH_KINDS: readonly IntegrityMismatchKind[] = [
  'checkpoint-signature', 'checkpoint-chain', 'checkpoint-data', 'head-mismatch', 'head-missing', 'event-edited', 'chain-broken',
];

export interface IntegrityMismatchDetected {
  type: 'IntegrityMismatchDetected';
  at: string;
  kind: IntegrityMismatchKind;
  /** The checkpoint number concerned, if any. */
  checkpoint?: number;
  streamId?: string;
  seq?: number;
  detail: string;
  /** Who found it: the consumer group of the projector. */
  detectedBy: string;
}

export const integrityMismatchDetectedSchema = {
  type: 'object',
  required: ['type', 'at', 'kind', 'detail', 'detectedBy'],
  additionalProperties: false,
  properties: {
    type: { const: 'IntegrityMismatchDetected' },
    at: { type: 'string', format: 'date-time' },
    kind: { enum: INTEGRITY_MISMATCH_KINDS },
    checkpoint: { type: 'integer', minimum: 1 },
    streamId: { type: 'string', minLength: 1, maxLength: 512 },
    seq: { type: 'integer', minimum: 1 },
    detail: { type: 'string', maxLength: 4000 },
    detectedBy: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;
