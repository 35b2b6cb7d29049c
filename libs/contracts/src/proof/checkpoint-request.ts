/**
 * A request for a checkpoint now (an admin's `POST /v1/audit/checkpoints`), a record of the
 * checkpoint-requests topic. Command-shaped (id, actor, time) so who asked is on the log, but not
 * an ActionCommand: it belongs to no action stream and only the leading checkpointer reads it.
 */
import type { Actor, CommandEnvelope } from '../envelope.ts';
import { jsonValueProblems, RECORD_LIMITS } from '../json-limits.ts';
import { actor, isoTime, nonEmpty } from '../schemas/primitives.ts';
import { createAjv, toFieldErrors, type Validation } from '../validation.ts';
import { CHECKPOINT_STREAM_ID } from './checkpoint-event.ts';

export const REQUEST_CHECKPOINT = 'RequestCheckpoint';
export type CheckpointRequest = CommandEnvelope<typeof REQUEST_CHECKPOINT, Record<string, never>>;

export const checkpointRequestSchema = {
  type: 'object',
  required: ['id', 'type', 'actionId', 'issuedAt', 'actor', 'correlationId', 'data'],
  additionalProperties: false,
  properties: {
    id: nonEmpty,
    type: { const: REQUEST_CHECKPOINT },
    actionId: { const: CHECKPOINT_STREAM_ID },
    issuedAt: isoTime,
    actor,
    correlationId: nonEmpty,
    traceparent: nonEmpty,
    data: { type: 'object', additionalProperties: false, properties: {} },
  },
} as const;

const check = createAjv().compile(checkpointRequestSchema);

export function validateCheckpointRequest(value: unknown): Validation<CheckpointRequest> {
  const problems = jsonValueProblems(value, RECORD_LIMITS);
  if (problems.length > 0) return { ok: false, errors: problems };
  return check(value) ? { ok: true, value: value as CheckpointRequest } : { ok: false, errors: toFieldErrors(check.errors) };
}

/** The record to append (key: the checkpoints stream, so requests stay in order on one partition). */
export function checkpointRequest(by: Actor, id: string, at: Date): CheckpointRequest {
  return { id, type: REQUEST_CHECKPOINT, actionId: CHECKPOINT_STREAM_ID, issuedAt: at.toISOString(), actor: by, correlationId: id, data: {} };
}
