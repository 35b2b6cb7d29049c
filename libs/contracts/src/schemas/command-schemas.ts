import type { CommandType } from '../commands.ts';
import { actionProposedSchema, policyEvaluatedSchema } from './event-schemas.ts';
import { notificationDeliveredSchema, notificationFailedSchema } from './notification-schemas.ts';
import { recordReviewSchema } from './policy-schemas.ts';
import { recordExecutionSchema } from './execution-schemas.ts';
import {
  approveUnderStandingSchema, revokeStandingApprovalSchema, standingApprovalGrantedSchema, standingTerms, useStandingApprovalSchema,
} from './standing-schemas.ts';
import { passkeyRegisteredSchema, passkeyRemovedSchema, stepUpRecord } from './step-up-schemas.ts';
import { approvalDelegatedSchema, castDelegatedVoteSchema, revokeDelegationSchema } from './delegation-schemas.ts';
import { actor, channel, isoTime, nonEmpty, sha256Hex, stringList } from './primitives.ts';

/** One schema per command type, for the `data` field. */
export const COMMAND_DATA_SCHEMAS: Record<CommandType, object> = {
  ProposeAction: actionProposedSchema,
  RecordPolicyEvaluation: policyEvaluatedSchema,
  RecordProposal: {
    type: 'object',
    required: ['proposal', 'evaluation'],
    additionalProperties: false,
    properties: { proposal: actionProposedSchema, evaluation: policyEvaluatedSchema },
  },
  CastVote: {
    type: 'object',
    required: ['voter', 'voterIdentities', 'decision', 'via'],
    additionalProperties: false,
    properties: {
      voter: nonEmpty,
      voterIdentities: stringList,
      decision: { enum: ['approve', 'deny'] },
      comment: { type: 'string', maxLength: 4000 },
      via: channel,
      identity: nonEmpty,
      breakGlass: { type: 'boolean' },
      paramsHash: sha256Hex,
      standing: standingTerms,
      onBehalfOf: nonEmpty,
      delegation: nonEmpty,
      onBehalfOfIdentities: stringList,
      stepUp: stepUpRecord,
    },
  },
  CancelAction: {
    type: 'object',
    required: ['by'],
    additionalProperties: false,
    properties: { by: nonEmpty, reason: { type: 'string', maxLength: 4000 } },
  },
  ExpireAction: {
    type: 'object',
    required: ['at'],
    additionalProperties: false,
    properties: { at: isoTime },
  },
  EscalateApproval: {
    type: 'object',
    required: ['at'],
    additionalProperties: false,
    properties: { at: isoTime },
  },
  RecordReview: recordReviewSchema,
  RecordNotificationDelivered: notificationDeliveredSchema,
  RecordNotificationFailed: notificationFailedSchema,
  RecordExecution: recordExecutionSchema,
  GrantStandingApproval: standingApprovalGrantedSchema,
  UseStandingApproval: useStandingApprovalSchema,
  RevokeStandingApproval: revokeStandingApprovalSchema,
  ApproveUnderStanding: approveUnderStandingSchema,
  DelegateApproval: approvalDelegatedSchema,
  RevokeDelegation: revokeDelegationSchema,
  CastDelegatedVote: castDelegatedVoteSchema(stepUpRecord),
  RegisterPasskey: passkeyRegisteredSchema,
  RemovePasskey: passkeyRemovedSchema,
};

export const commandEnvelopeSchema = {
  type: 'object',
  required: ['id', 'type', 'actionId', 'issuedAt', 'actor', 'correlationId', 'data'],
  additionalProperties: false,
  properties: {
    id: nonEmpty,
    type: nonEmpty,
    actionId: nonEmpty,
    issuedAt: isoTime,
    actor,
    correlationId: nonEmpty,
    traceparent: nonEmpty,
    data: { type: 'object' },
  },
} as const;
