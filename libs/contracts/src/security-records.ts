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
