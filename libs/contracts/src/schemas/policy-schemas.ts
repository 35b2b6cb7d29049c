/** Schemas of what policy adds to the action streams: requirements, explanations, escalation, break-glass and its review, publication. */
import { groupsByPrincipal, isoTime, nonEmpty, sha256Hex, stringList } from './primitives.ts';
import { standingAllowance } from './standing-schemas.ts';

const seconds = { type: 'integer', minimum: 1 } as const;

export const approvalRequirement = {
  type: 'object',
  required: ['groups', 'principals', 'quorum', 'distinctGroups', 'timeoutSeconds'],
  additionalProperties: false,
  properties: {
    groups: stringList,
    principals: stringList,
    quorum: { type: 'integer', minimum: 1 },
    distinctGroups: { type: 'boolean' },
    timeoutSeconds: seconds,
    owners: stringList,
    channels: stringList,
    escalation: {
      type: 'object',
      required: ['afterSeconds', 'groups'],
      additionalProperties: false,
      properties: { afterSeconds: seconds, groups: stringList, channels: stringList },
    },
    breakGlass: {
      type: 'object',
      required: ['groups', 'reviewGroups', 'reviewWithinSeconds'],
      additionalProperties: false,
      properties: { groups: stringList, reviewGroups: stringList, reviewWithinSeconds: seconds },
    },
    standing: standingAllowance,
    stepUp: { const: 'webauthn' },
  },
} as const;

export const conditionResult = {
  type: 'object',
  required: ['rule', 'expression', 'result'],
  additionalProperties: false,
  properties: {
    rule: nonEmpty,
    expression: { type: 'string', minLength: 1, maxLength: 4000 },
    result: { enum: ['held', 'error'] },
    error: { type: 'string', maxLength: 4000 },
  },
} as const;

export const requestEscalation = {
  type: 'object',
  required: ['at', 'groups'],
  additionalProperties: false,
  properties: { at: isoTime, groups: stringList, channels: stringList },
} as const;

export const requestBreakGlass = {
  type: 'object',
  required: ['groups', 'eligible', 'reviewGroups', 'reviewWithinSeconds'],
  additionalProperties: false,
  properties: { groups: stringList, eligible: stringList, reviewGroups: stringList, reviewWithinSeconds: seconds },
} as const;

export const approvalEscalatedSchema = {
  type: 'object',
  required: ['groups', 'added', 'addedGroups', 'at'],
  additionalProperties: false,
  properties: { groups: stringList, added: stringList, addedGroups: groupsByPrincipal, channels: stringList, at: isoTime },
} as const;

export const reviewRequestedSchema = {
  type: 'object',
  required: ['reason', 'approvedBy', 'reviewGroups', 'reviewers', 'due'],
  additionalProperties: false,
  properties: { reason: { type: 'string' }, approvedBy: nonEmpty, reviewGroups: stringList, reviewers: stringList, due: isoTime },
} as const;

const verdict = { enum: ['upheld', 'concerns'] } as const;
const reviewComment = { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } as const;

export const recordReviewSchema = {
  type: 'object',
  required: ['reviewer', 'verdict', 'comment'],
  additionalProperties: false,
  properties: { reviewer: nonEmpty, verdict, comment: reviewComment },
} as const;

export const reviewRecordedSchema = {
  type: 'object',
  required: ['reviewer', 'verdict', 'comment', 'late'],
  additionalProperties: false,
  properties: { reviewer: nonEmpty, verdict, comment: reviewComment, late: { type: 'boolean' } },
} as const;

export const policyPublishedSchema = {
  type: 'object',
  required: ['version', 'files', 'author', 'approvers'],
  additionalProperties: false,
  properties: {
    version: sha256Hex,
    files: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['path', 'text'],
        additionalProperties: false,
        properties: { path: nonEmpty, text: { type: 'string', maxLength: 1_000_000 } },
      },
    },
    author: nonEmpty,
    approvers: stringList,
    previousVersion: nonEmpty,
    rollbackOf: sha256Hex,
  },
} as const;
