import type { EventType } from '../events.ts';
import { actor, channel, groupsByPrincipal, isoTime, jsonObject, nonEmpty, sha256Hex, stringList } from './primitives.ts';
import { notificationDeliveredSchema, notificationFailedSchema } from './notification-schemas.ts';
import { actionExecutedSchema, executionStartedSchema } from './execution-schemas.ts';
import {
  standingAllowance, standingApprovalGrantedSchema, standingApprovalRevokedSchema, standingApprovalUsedSchema, standingGrantReference, standingTerms,
  standingUseReference,
} from './standing-schemas.ts';
import { passkeyRegisteredSchema, passkeyRemovedSchema, stepUpMethod, stepUpRecord } from './step-up-schemas.ts';
import { approvalDelegatedSchema, delegatedVoteRelayedSchema, delegationRevokedSchema } from './delegation-schemas.ts';
import { approvalEscalatedSchema, approvalRequirement, conditionResult, policyPublishedSchema, requestBreakGlass, requestEscalation, reviewRecordedSchema, reviewRequestedSchema } from './policy-schemas.ts';

export const actionProposedSchema = {
  type: 'object',
  required: ['action', 'resource', 'params', 'paramsHash', 'requestHash', 'requester'],
  additionalProperties: false,
  properties: {
    action: nonEmpty,
    resource: nonEmpty,
    params: jsonObject,
    paramsHash: sha256Hex,
    requestHash: sha256Hex,
    justification: { type: 'string', maxLength: 4000 },
    context: jsonObject,
    idempotencyKey: nonEmpty,
    callbackUrl: { type: 'string', format: 'uri', maxLength: 2048, pattern: '^https?://' },
    requester: {
      type: 'object',
      required: ['id', 'kind', 'identities'],
      additionalProperties: false,
      properties: {
        id: nonEmpty,
        kind: { enum: ['agent', 'human'] },
        onBehalfOf: nonEmpty,
        identities: stringList,
      },
    },
  },
} as const;

export const policyEvaluatedSchema = {
  type: 'object',
  required: ['outcome', 'policyVersion', 'matchedRules', 'rule', 'reason'],
  additionalProperties: false,
  properties: {
    outcome: { enum: ['allow', 'deny', 'require_approval'] },
    policyVersion: nonEmpty,
    matchedRules: stringList,
    rule: nonEmpty,
    reason: { type: 'string' },
    approval: approvalRequirement,
    conditions: { type: 'array', items: conditionResult },
    explanation: { type: 'string', maxLength: 8000 },
    redactParams: stringList,
    grantTtlSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    grantAudience: nonEmpty,
    stepUp: stepUpMethod,
  },
} as const;

const decisionBase = {
  rule: nonEmpty,
  policyVersion: nonEmpty,
  paramsHash: sha256Hex,
  reason: { type: 'string' },
} as const;
const decisionRequired = ['rule', 'policyVersion', 'paramsHash', 'reason'] as const;

/** One schema per event type, for the `data` field. */
export const EVENT_DATA_SCHEMAS: Record<EventType, object> = {
  ActionProposed: actionProposedSchema,
  PolicyEvaluated: policyEvaluatedSchema,
  ApprovalRequested: {
    type: 'object',
    required: ['rule', 'policyVersion', 'quorum', 'distinctGroups', 'groups', 'eligible', 'eligibleGroups', 'deadline'],
    additionalProperties: false,
    properties: {
      rule: nonEmpty,
      policyVersion: nonEmpty,
      quorum: { type: 'integer', minimum: 1 },
      distinctGroups: { type: 'boolean' },
      groups: stringList,
      eligible: stringList,
      eligibleGroups: groupsByPrincipal,
      deadline: isoTime,
      channels: stringList,
      escalation: requestEscalation,
      breakGlass: requestBreakGlass,
      standing: standingAllowance,
      stepUp: stepUpMethod,
    },
  },
  VoteRecorded: {
    type: 'object',
    required: ['voter', 'decision', 'via'],
    additionalProperties: false,
    properties: {
      voter: nonEmpty,
      decision: { enum: ['approve', 'deny'] },
      comment: { type: 'string', maxLength: 4000 },
      via: channel,
      identity: nonEmpty,
      breakGlass: { type: 'boolean' },
      paramsHash: sha256Hex,
      standing: standingTerms,
      stepUp: stepUpRecord,
      onBehalfOf: nonEmpty,
      delegation: nonEmpty,
    },
  },
  CommandRejected: {
    type: 'object',
    required: ['command', 'commandId', 'by', 'code', 'reason'],
    additionalProperties: false,
    properties: {
      command: nonEmpty,
      commandId: nonEmpty,
      by: nonEmpty,
      code: {
        enum: [
          'self_approval', 'not_eligible', 'already_decided', 'not_pending', 'duplicate_vote', 'not_requester', 'reason_required',
          'no_review_requested', 'already_reviewed', 'past_deadline', 'params_mismatch', 'unprocessable',
          'not_approved', 'already_redeemed', 'already_executed', 'grant_expired', 'standing_not_allowed', 'step_up_required',
        ],
      },
      reason: { type: 'string' },
    },
  },
  ActionApproved: {
    type: 'object',
    required: [...decisionRequired, 'automatic', 'approvers'],
    additionalProperties: false,
    properties: {
      ...decisionBase, automatic: { type: 'boolean' }, approvers: stringList, breakGlass: { type: 'boolean' },
      standing: standingUseReference, grantedStanding: standingGrantReference,
    },
  },
  ActionDenied: {
    type: 'object',
    required: [...decisionRequired, 'automatic'],
    additionalProperties: false,
    properties: { ...decisionBase, automatic: { type: 'boolean' }, deniedBy: nonEmpty },
  },
  ActionExpired: {
    type: 'object',
    required: [...decisionRequired, 'deadline'],
    additionalProperties: false,
    properties: { ...decisionBase, deadline: isoTime },
  },
  ActionCancelled: {
    type: 'object',
    required: [...decisionRequired, 'cancelledBy'],
    additionalProperties: false,
    properties: { ...decisionBase, cancelledBy: nonEmpty },
  },
  ApprovalEscalated: approvalEscalatedSchema,
  ReviewRequested: reviewRequestedSchema,
  ReviewRecorded: reviewRecordedSchema,
  PolicyPublished: policyPublishedSchema,
  NotificationDelivered: notificationDeliveredSchema,
  NotificationFailed: notificationFailedSchema,
  ExecutionStarted: executionStartedSchema,
  ActionExecuted: actionExecutedSchema,
  StandingApprovalGranted: standingApprovalGrantedSchema,
  StandingApprovalUsed: standingApprovalUsedSchema,
  StandingApprovalRevoked: standingApprovalRevokedSchema,
  ApprovalDelegated: approvalDelegatedSchema,
  DelegationRevoked: delegationRevokedSchema,
  DelegatedVoteRelayed: delegatedVoteRelayedSchema(stepUpRecord),
  PasskeyRegistered: passkeyRegisteredSchema,
  PasskeyRemoved: passkeyRemovedSchema,
};

export const eventEnvelopeSchema = {
  type: 'object',
  required: [
    'id', 'type', 'schemaVersion', 'streamId', 'seq', 'occurredAt', 'actor',
    'causationId', 'correlationId', 'prevHash', 'hash', 'data',
  ],
  additionalProperties: false,
  properties: {
    id: nonEmpty,
    type: nonEmpty,
    schemaVersion: { type: 'integer', minimum: 1 },
    streamId: nonEmpty,
    seq: { type: 'integer', minimum: 1 },
    occurredAt: isoTime,
    actor,
    causationId: nonEmpty,
    correlationId: nonEmpty,
    traceparent: nonEmpty,
    prevHash: sha256Hex,
    hash: sha256Hex,
    data: jsonObject,
  },
} as const;
