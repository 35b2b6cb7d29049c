/** Schemas of delivery outcomes: what reached Slack, Teams, webhooks and callbacks, and what did not. */
import { isoTime, nonEmpty } from './primitives.ts';

const purpose = { enum: ['request', 'escalation', 'decision', 'callback'] } as const;
const attempt = { type: 'integer', minimum: 1, maximum: 1000 } as const;

export const notificationDeliveredSchema = {
  type: 'object',
  required: ['channel', 'purpose', 'attempt'],
  additionalProperties: false,
  properties: {
    channel: nonEmpty,
    purpose,
    attempt,
    ref: { type: 'object', maxProperties: 16, additionalProperties: { type: 'string', maxLength: 1024 } },
    updated: { type: 'boolean' },
  },
} as const;

export const notificationFailedSchema = {
  type: 'object',
  required: ['channel', 'purpose', 'attempt', 'reason'],
  additionalProperties: false,
  properties: {
    channel: nonEmpty,
    purpose,
    attempt,
    reason: { type: 'string', minLength: 1, maxLength: 4000 },
    nextAttemptAt: isoTime,
  },
} as const;
