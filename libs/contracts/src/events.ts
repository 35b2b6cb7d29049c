import type { EventEnvelope } from './envelope.ts';

/** What policy said about a proposal. */
export type PolicyOutcome = 'allow' | 'deny' | 'require_approval';

export type VoteDecision = 'approve' | 'deny';

/** Where a vote or command came from. */
export type Channel = 'api' | 'console' | 'slack' | 'teams' | 'system';

export interface Requester {
  id: string;
  kind: 'agent' | 'human';
  /** The human an agent acts for: they may not approve the agent's actions either. */
  onBehalfOf?: string;
  /** Linked identities of the requester (e.g. "slack:U123") at proposal time. */
  identities: string[];
}

/** What approval a rule requires. */
export interface ApprovalRequirement {
  groups: string[];
  principals: string[];
  quorum: number;
  /** When true, the approvers must come from distinct groups (one per group). */
  distinctGroups: boolean;
  timeoutSeconds: number;
}

export interface ActionProposedData {
  action: string;
  resource: string;
  params: Record<string, unknown>;
  /** SHA-256 of the canonical params: what an approval covers. */
  paramsHash: string;
  /** SHA-256 of the canonical request body: what the Idempotency-Key is bound to. */
  requestHash: string;
  justification?: string;
  context?: Record<string, unknown>;
  requester: Requester;
  idempotencyKey?: string;
}

export interface PolicyEvaluatedData {
  outcome: PolicyOutcome;
  /** Content hash of the policy set that was evaluated. */
  policyVersion: string;
  /** Every rule that matched, in evaluation order. */
  matchedRules: string[];
  /** The rule whose effect won (or "default" when none matched). */
  rule: string;
  /** A sentence a human can read. */
  reason: string;
  approval?: ApprovalRequirement;
}

export interface ApprovalRequestedData {
  rule: string;
  policyVersion: string;
  quorum: number;
  distinctGroups: boolean;
  groups: string[];
  /** Principals who may vote, fixed at request time (requester excluded). */
  eligible: string[];
  /** For each eligible principal, the requirement groups they belong to. */
  eligibleGroups: Record<string, string[]>;
  deadline: string;
}

export interface VoteRecordedData {
  voter: string;
  decision: VoteDecision;
  comment?: string;
  via: Channel;
  /** The linked identity the vote arrived under, e.g. "slack:U123" or "apikey:alice-1". */
  identity?: string;
}

export type RejectionCode =
  | 'self_approval'
  | 'not_eligible'
  | 'already_decided'
  | 'not_pending'
  | 'duplicate_vote'
  | 'not_requester'
  | 'reason_required';

export interface CommandRejectedData {
  command: string;
  commandId: string;
  by: string;
  code: RejectionCode;
  reason: string;
}

/** Common to every final decision (rule 6: who, when, why, which policy and rule). */
export interface DecisionData {
  rule: string;
  policyVersion: string;
  /** The approval covers exactly these parameters (rule 5). */
  paramsHash: string;
  reason: string;
}

export interface ActionApprovedData extends DecisionData {
  automatic: boolean;
  approvers: string[];
}

export interface ActionDeniedData extends DecisionData {
  automatic: boolean;
  /** The principal who denied, absent when policy denied. */
  deniedBy?: string;
}

export interface ActionExpiredData extends DecisionData {
  deadline: string;
}

export interface ActionCancelledData extends DecisionData {
  cancelledBy: string;
}

export interface EventDataByType {
  ActionProposed: ActionProposedData;
  PolicyEvaluated: PolicyEvaluatedData;
  ApprovalRequested: ApprovalRequestedData;
  VoteRecorded: VoteRecordedData;
  CommandRejected: CommandRejectedData;
  ActionApproved: ActionApprovedData;
  ActionDenied: ActionDeniedData;
  ActionExpired: ActionExpiredData;
  ActionCancelled: ActionCancelledData;
}

export type EventType = keyof EventDataByType;

export const EVENT_TYPES: readonly EventType[] = [
  'ActionProposed',
  'PolicyEvaluated',
  'ApprovalRequested',
  'VoteRecorded',
  'CommandRejected',
  'ActionApproved',
  'ActionDenied',
  'ActionExpired',
  'ActionCancelled',
];

/** Event types that end an action; exactly one of them per action. */
export const DECISION_TYPES = ['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled'] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/** A discriminated union of every event's draft shape: `{ type, data }`. */
export type DomainEventBody = { [K in EventType]: { type: K; data: EventDataByType[K] } }[EventType];

/** A sealed event of the action streams. */
export type ActionEvent = { [K in EventType]: EventEnvelope<K, EventDataByType[K]> }[EventType];

export const CURRENT_SCHEMA_VERSION = 1;
