/** Schemas of standing approvals: the rule's allowance, a voter's terms, the ledger's events and commands. */
import { groupsByPrincipal, isoTime, jsonObject, nonEmpty, sha256Hex, stringList } from './primitives.ts';

/** Uses a rule may allow at most (what `maxUses` in a policy file may say). */
export const MAX_STANDING_USES = 10_000;
/** The longest a standing approval may last, whatever the rule says: 30 days. */
export const MAX_STANDING_TTL_SECONDS = 30 * 86_400;

const uses = { type: 'integer', minimum: 1, maximum: MAX_STANDING_USES } as const;
const ttl = { type: 'integer', minimum: 1, maximum: MAX_STANDING_TTL_SECONDS } as const;
const glob = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const condition = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const use = { type: 'integer', minimum: 1, maximum: MAX_STANDING_USES } as const;
/** As on ActionProposed (not imported from there: event-schemas.ts imports this file). */
const requester = {
  type: 'object',
  required: ['id', 'kind', 'identities'],
  additionalProperties: false,
  properties: { id: nonEmpty, kind: { enum: ['agent', 'human'] }, onBehalfOf: nonEmpty, identities: stringList },
} as const;

export const standingAllowance = {
  type: 'object',
  required: ['maxTtlSeconds', 'maxUses'],
  additionalProperties: false,
  properties: { maxTtlSeconds: ttl, maxUses: uses },
} as const;

export const standingTerms = {
  type: 'object',
  required: ['resource', 'maxUses', 'ttlSeconds'],
  additionalProperties: false,
  properties: { resource: glob, when: condition, maxUses: uses, ttlSeconds: ttl },
} as const;

export const standingGrantReference = {
  type: 'object',
  required: ['id', 'resource', 'maxUses', 'expiresAt'],
  additionalProperties: false,
  properties: { id: nonEmpty, resource: glob, when: condition, maxUses: uses, expiresAt: isoTime },
} as const;

const useReference = { id: nonEmpty, use, maxUses: uses, expiresAt: isoTime, sourceActionId: nonEmpty } as const;

export const standingUseReference = {
  type: 'object',
  required: ['id', 'use', 'maxUses', 'expiresAt', 'sourceActionId'],
  additionalProperties: false,
  properties: useReference,
} as const;

export const standingApprovalGrantedSchema = {
  type: 'object',
  required: ['standingId', 'sourceActionId', 'requester', 'action', 'resource', 'maxUses', 'grantedAt', 'expiresAt', 'grantedBy', 'rule', 'policyVersion', 'eligible'],
  additionalProperties: false,
  properties: {
    standingId: nonEmpty,
    sourceActionId: nonEmpty,
    requester,
    action: nonEmpty,
    resource: glob,
    when: condition,
    maxUses: uses,
    grantedAt: isoTime,
    expiresAt: isoTime,
    grantedBy: { ...stringList, minItems: 1 },
    rule: nonEmpty,
    policyVersion: nonEmpty,
    eligible: stringList,
  },
} as const;

export const standingApprovalUsedSchema = {
  type: 'object',
  required: ['standingId', 'actionId', 'use', 'maxUses', 'expiresAt', 'resource', 'paramsHash'],
  additionalProperties: false,
  properties: { standingId: nonEmpty, actionId: nonEmpty, use, maxUses: uses, expiresAt: isoTime, resource: nonEmpty, paramsHash: sha256Hex },
} as const;

export const standingApprovalRevokedSchema = {
  type: 'object',
  required: ['standingId', 'revokedBy'],
  additionalProperties: false,
  properties: { standingId: nonEmpty, revokedBy: nonEmpty, reason: { type: 'string', maxLength: 4000 } },
} as const;

export const useStandingApprovalSchema = {
  type: 'object',
  required: ['actionId', 'requester', 'action', 'resource', 'params', 'paramsHash', 'rule', 'quorum', 'distinctGroups', 'eligible', 'eligibleGroups', 'deadline'],
  additionalProperties: false,
  properties: {
    actionId: nonEmpty,
    requester,
    action: nonEmpty,
    resource: nonEmpty,
    params: jsonObject,
    paramsHash: sha256Hex,
    rule: nonEmpty,
    quorum: { type: 'integer', minimum: 1 },
    distinctGroups: { type: 'boolean' },
    eligible: stringList,
    eligibleGroups: groupsByPrincipal,
    deadline: isoTime,
  },
} as const;

export const approveUnderStandingSchema = {
  type: 'object',
  required: ['id', 'use', 'maxUses', 'expiresAt', 'sourceActionId', 'grantedBy', 'rule', 'paramsHash'],
  additionalProperties: false,
  properties: { ...useReference, grantedBy: { ...stringList, minItems: 1 }, rule: nonEmpty, paramsHash: sha256Hex },
} as const;

export const revokeStandingApprovalSchema = {
  type: 'object',
  required: ['standingId', 'by'],
  additionalProperties: false,
  properties: { standingId: nonEmpty, by: nonEmpty, reason: { type: 'string', maxLength: 4000 } },
} as const;
