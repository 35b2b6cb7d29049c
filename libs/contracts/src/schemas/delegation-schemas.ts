/** Schemas of delegation (ADR 0010): the delegation ledger's events and commands, and what votes carry. */
import { channel, isoTime, nonEmpty, sha256Hex, stringList } from './primitives.ts';

const reason = { type: 'string', maxLength: 4000 } as const;

export const approvalDelegatedSchema = {
  type: 'object',
  required: ['delegationId', 'delegator', 'delegate', 'from', 'until'],
  additionalProperties: false,
  properties: { delegationId: nonEmpty, delegator: nonEmpty, delegate: nonEmpty, from: isoTime, until: isoTime, reason },
} as const;

export const delegationRevokedSchema = {
  type: 'object',
  required: ['delegationId', 'by'],
  additionalProperties: false,
  properties: { delegationId: nonEmpty, by: nonEmpty, reason },
} as const;

export const revokeDelegationSchema = delegationRevokedSchema;

/**
 * A delegate's vote as the ledger receives and relays it: a plain vote (no break-glass or standing
 * offer: neither is delegated), naming the delegator. The step-up record, when a rule asks for one,
 * travels as on any vote.
 */
const delegatedVote = (stepUp: object) => ({
  type: 'object',
  required: ['voter', 'voterIdentities', 'decision', 'via', 'onBehalfOf'],
  additionalProperties: false,
  properties: {
    voter: nonEmpty,
    voterIdentities: stringList,
    decision: { enum: ['approve', 'deny'] },
    comment: reason,
    via: channel,
    identity: nonEmpty,
    paramsHash: sha256Hex,
    onBehalfOf: nonEmpty,
    delegation: nonEmpty,
    onBehalfOfIdentities: stringList,
    stepUp,
  },
});

export const castDelegatedVoteSchema = (stepUp: object) => ({
  type: 'object',
  required: ['actionId', 'vote'],
  additionalProperties: false,
  properties: { actionId: nonEmpty, vote: delegatedVote(stepUp) },
});

export const delegatedVoteRelayedSchema = (stepUp: object) => ({
  type: 'object',
  required: ['delegationId', 'actionId', 'commandId', 'vote'],
  additionalProperties: false,
  properties: { delegationId: nonEmpty, actionId: nonEmpty, commandId: nonEmpty, vote: delegatedVote(stepUp) },
});
