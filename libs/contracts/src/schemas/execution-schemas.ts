/** Schemas of the execution records: a grant's redemption and the outcome of running the action. */
import { isoTime, nonEmpty, sha256Hex } from './primitives.ts';

const grantId = { type: 'string', minLength: 1, maxLength: 200 } as const;
const kid = { type: 'string', minLength: 1, maxLength: 200 } as const;
const executor = nonEmpty;
const error = { type: 'string', minLength: 1, maxLength: 4000 } as const;

export const executionStartedSchema = {
  type: 'object',
  required: ['grantId', 'kid', 'executor', 'startedAt', 'paramsHash'],
  additionalProperties: false,
  properties: { grantId, kid, executor, startedAt: isoTime, paramsHash: sha256Hex },
} as const;

export const actionExecutedSchema = {
  type: 'object',
  required: ['grantId', 'kid', 'executor', 'outcome', 'startedAt', 'finishedAt', 'paramsHash'],
  additionalProperties: false,
  properties: {
    grantId, kid, executor, outcome: { enum: ['succeeded', 'failed'] }, startedAt: isoTime, finishedAt: isoTime, error, paramsHash: sha256Hex,
  },
} as const;

export const recordExecutionSchema = {
  type: 'object',
  required: ['phase', 'grantId', 'kid', 'executor', 'paramsHash', 'grantExpiresAt', 'startedAt'],
  additionalProperties: false,
  properties: {
    phase: { enum: ['started', 'finished'] },
    grantId, kid, executor, paramsHash: sha256Hex, grantExpiresAt: isoTime, startedAt: isoTime,
    finishedAt: isoTime, outcome: { enum: ['succeeded', 'failed'] }, error,
  },
  // A report carries its outcome and end; a redemption carries neither.
  oneOf: [
    { properties: { phase: { const: 'started' }, finishedAt: false, outcome: false, error: false } },
    { properties: { phase: { const: 'finished' }, finishedAt: isoTime, outcome: { enum: ['succeeded', 'failed'] } }, required: ['finishedAt', 'outcome'] },
  ],
} as const;
