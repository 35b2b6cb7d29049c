/**
 * Validation of a `CheckpointSigned` record as it travels on the checkpoints topic: the event
 * envelope, the data (`checkpointSignedSchema`), and what ties the two together. The signature is
 * not checked here (keys are the reader's): this is the shape a consumer refuses to dead letters.
 */
import type { EventEnvelope } from '../envelope.ts';
import { jsonValueProblems, RECORD_LIMITS } from '../json-limits.ts';
import { eventEnvelopeSchema } from '../schemas/event-schemas.ts';
import { createAjv, toFieldErrors, type Validation } from '../validation.ts';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM_ID, checkpointSignedSchema, type CheckpointSignedData } from './checkpoint-event.ts';

export type CheckpointSignedEvent = EventEnvelope<typeof CHECKPOINT_SIGNED, CheckpointSignedData>;

export const checkpointSignedEventSchema = {
  ...eventEnvelopeSchema,
  properties: {
    ...eventEnvelopeSchema.properties,
    type: { const: CHECKPOINT_SIGNED },
    streamId: { const: CHECKPOINT_STREAM_ID },
    data: checkpointSignedSchema,
  },
} as const;

const check = createAjv().compile(checkpointSignedEventSchema);

/**
 * A whole CheckpointSigned event: bounded plain JSON, the envelope of the checkpoints stream, its
 * data, and `seq` equal to the checkpoint's `number` (ADR 0007: seq = number, so a checkpoint can
 * neither be skipped nor sit at another place in its stream than its number says).
 */
export function validateCheckpointEvent(value: unknown): Validation<CheckpointSignedEvent> {
  const problems = jsonValueProblems(value, RECORD_LIMITS);
  if (problems.length > 0) return { ok: false, errors: problems };
  if (!check(value)) return { ok: false, errors: toFieldErrors(check.errors) };
  const event = value as CheckpointSignedEvent;
  if (event.seq !== event.data.number) return { ok: false, errors: [{ pointer: '/seq', message: `must equal /data/number (${event.data.number})` }] };
  return { ok: true, value: event };
}
