import { v5 as uuidv5 } from 'uuid';
import type { CastVoteData } from './commands.ts';

/**
 * Out-of-office delegation (issue 14, ADR 0010): an approver (the delegator) lets a named colleague
 * (the delegate) vote in their place for a period. Each delegator has one ledger stream,
 * `delegations-<uuidv5(delegator)>`, keyed on the commands and events topics like an action, so one
 * router decides every delegation of a delegator and every vote cast under them, in order.
 */

/** A delegation exists (in the delegator's ledger stream). */
export interface ApprovalDelegatedData {
  delegationId: string;
  delegator: string;
  delegate: string;
  /** When it starts counting (may be in the future). */
  from: string;
  /** When it stops counting (exclusive). */
  until: string;
  reason?: string;
}

/** A delegation ended before its time: by its delegator or an admin. */
export interface DelegationRevokedData {
  delegationId: string;
  by: string;
  reason?: string;
}

/**
 * The ledger found a delegation that lets `vote.voter` vote for `vote.onBehalfOf` now, and sends
 * the vote on to the action (same command id, so the delegate's answer is the action's). A record
 * of every use of a delegation.
 */
export interface DelegatedVoteRelayedData {
  delegationId: string;
  actionId: string;
  /** The id of the delegate's command: the CastVote the action decides carries it too. */
  commandId: string;
  vote: CastVoteData;
}

export interface RevokeDelegationData {
  delegationId: string;
  by: string;
  reason?: string;
}

/** A delegate's vote, sent to the delegator's ledger (`vote.onBehalfOf` names the delegator). */
export interface CastDelegatedVoteData {
  actionId: string;
  vote: CastVoteData;
}

/** At most this many delegations of one delegator may be active or scheduled at once. */
export const MAX_ACTIVE_DELEGATIONS = 5;
/** A delegation ends at most this far after it is made: 90 days. */
export const MAX_DELEGATION_SECONDS = 90 * 86_400;

/** Event types of the delegation ledgers (never in an action's stream). */
export const DELEGATION_EVENT_TYPES = ['ApprovalDelegated', 'DelegationRevoked', 'DelegatedVoteRelayed'] as const;
export type DelegationEventType = (typeof DELEGATION_EVENT_TYPES)[number];

/** Command types the delegation ledgers decide. */
export const DELEGATION_COMMAND_TYPES = ['DelegateApproval', 'RevokeDelegation', 'CastDelegatedVote'] as const;
export type DelegationCommandType = (typeof DELEGATION_COMMAND_TYPES)[number];

export const isDelegationEventType = (type: string): type is DelegationEventType => (DELEGATION_EVENT_TYPES as readonly string[]).includes(type);
export const isDelegationCommandType = (type: string): type is DelegationCommandType => (DELEGATION_COMMAND_TYPES as readonly string[]).includes(type);

const DELEGATION_LEDGER_NAMESPACE = '5c0e8a9d-2f47-4b1c-a6d3-8e9f1b2c7d05';
const DELEGATION_PREFIX = 'delegations-';
const DELEGATION_LEDGER_ID = /^delegations-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The stream (and the key on the commands and events topics) of a delegator's delegations. */
export const delegationLedgerId = (delegator: string): string => DELEGATION_PREFIX + uuidv5(delegator, DELEGATION_LEDGER_NAMESPACE);

/** Whether a stream id names a delegation ledger (action ids and requester ledgers are never of this form). */
export const isDelegationLedgerId = (streamId: string): boolean => DELEGATION_LEDGER_ID.test(streamId);
