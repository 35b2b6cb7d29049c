import type { NotificationDeliveredData, NotificationFailedData } from './notification-events.ts';
import type { ApprovalEscalatedData, PolicyPublishedData, ReviewRecordedData, ReviewRequestedData } from './policy-events.ts';
import type { EventEnvelope } from './envelope.ts';
import type { ActionExecutedData, ExecutionStartedData } from './execution-events.ts';
import type {
  StandingAllowance, StandingApprovalGrantedData, StandingApprovalRevokedData, StandingApprovalUsedData, StandingGrantReference, StandingTerms,
  StandingUseReference,
} from './standing-events.ts';
import type { ApprovalDelegatedData, DelegatedVoteRelayedData, DelegationRevokedData } from './delegation-events.ts';
import type { PasskeyRegisteredData, PasskeyRemovedData, StepUpMethod, StepUpRecord } from './step-up-events.ts';

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
  /** Principals named because they own the resource (already included in `principals`). */
  owners?: string[];
  /** Where to ask, e.g. `slack:#data-approvals`, `teams:<conversation>`, `webhook:<name>`. */
  channels?: string[];
  /** Still pending after `afterSeconds`: the members of `groups` may vote too, and are notified. */
  escalation?: EscalationRequirement;
  /** In an emergency, one member of `groups` may approve alone; a review is then always requested. */
  breakGlass?: BreakGlassRequirement;
  /** Approvers may offer the requester a standing approval within these bounds (ADR 0004); absent: they may not. */
  standing?: StandingAllowance;
  /** Each approval must carry a fresh step-up of this method (docs/step-up.md); absent: none. */
  stepUp?: StepUpMethod;
}

export interface EscalationRequirement {
  afterSeconds: number;
  groups: string[];
  channels?: string[];
}

export interface BreakGlassRequirement {
  groups: string[];
  /** Who must review a break-glass approval afterwards, and within how long. */
  reviewGroups: string[];
  reviewWithinSeconds: number;
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
  /** Called (a signed webhook) when the action is decided. */
  callbackUrl?: string;
}

/** A CEL condition of a matched rule, and what it came to. */
export interface ConditionResult {
  rule: string;
  expression: string;
  /** `held`: true; `error`: it could not be evaluated (the rule then applies only if it restricts). */
  result: 'held' | 'error';
  error?: string;
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
  /** The conditions of matched rules that held (or failed to evaluate). */
  conditions?: ConditionResult[];
  /** The whole decision in one paragraph: what matched, why the winner won, what it requires. */
  explanation?: string;
  /** Globs over parameter names whose values messages must not show (`*password*`). */
  redactParams?: string[];
  /** How long the signed grant of an approval is valid (the winning rule's `grantTtl`); 300 s when absent. */
  grantTtlSeconds?: number;
  /** The `aud` of the grant (the winning rule's `grantAudience`): the executors it is meant for. */
  grantAudience?: string;
  /** The winning rule requires step-up for approvals (its approval's `stepUp`): action views show it. */
  stepUp?: StepUpMethod;
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
  channels?: string[];
  /** When the request escalates, to whom, and where they are notified. */
  escalation?: { at: string; groups: string[]; channels?: string[] };
  /** Who may approve alone in an emergency (requester excluded), and the review that follows. */
  breakGlass?: { groups: string[]; eligible: string[]; reviewGroups: string[]; reviewWithinSeconds: number };
  /** The bounds of the standing approvals approvers may offer with their approval (the rule's). */
  standing?: StandingAllowance;
  /** Every approval must carry a verified step-up of this method (the rule's); the router refuses one without. */
  stepUp?: StepUpMethod;
}

export interface VoteRecordedData {
  voter: string;
  decision: VoteDecision;
  comment?: string;
  via: Channel;
  /** The linked identity the vote arrived under, e.g. "slack:U123" or "apikey:alice-1". */
  identity?: string;
  /** An emergency approval under the rule's break-glass clause. */
  breakGlass?: boolean;
  /** The params hash the voter was shown and approved (sent by chat buttons); equal to the proposal's. */
  paramsHash?: string;
  /** The standing approval the voter offers the requester with this approval (ADR 0004). */
  standing?: StandingTerms;
  /** The delegator this vote was cast for (ADR 0010): it counts as theirs; `voter` is the delegate who cast it. */
  onBehalfOf?: string;
  /** The delegation it was cast under. */
  delegation?: string;
  /** The step-up the gateway verified for this approval (rules with `stepUp`). */
  stepUp?: StepUpRecord;
}

export type RejectionCode =
  /** An execution reported for an action that is not approved. */
  | 'not_approved'
  /** A second redemption of the action's grant. */
  | 'already_redeemed'
  /** A second outcome report. */
  | 'already_executed'
  /** A redemption at or after the grant's expiry. */
  | 'grant_expired'
  | 'self_approval'
  | 'not_eligible'
  | 'already_decided'
  | 'not_pending'
  | 'duplicate_vote'
  | 'not_requester'
  | 'reason_required'
  | 'no_review_requested'
  | 'already_reviewed'
  /** The vote came at or after the request's deadline: the action expires instead. */
  | 'past_deadline'
  /** The router could not process the command after bounded attempts (it was dead-lettered with the reason). */
  | 'unprocessable'
  /** The vote names a params hash other than the proposal's: the voter saw other parameters. */
  | 'params_mismatch'
  /** A vote offered a standing approval the rule does not allow (or beyond its bounds). */
  | 'standing_not_allowed'
  /** An approval under a rule that requires step-up came without a verified one for these parameters. */
  | 'step_up_required';

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
  /** Approved alone under break-glass: always followed by ReviewRequested. */
  breakGlass?: boolean;
  /** Approved at once under a standing approval of the requester: its use (ADR 0004). */
  standing?: StandingUseReference;
  /** This approval created a standing approval: every counted approver offered these terms. */
  grantedStanding?: StandingGrantReference;
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
  ApprovalEscalated: ApprovalEscalatedData;
  ReviewRequested: ReviewRequestedData;
  ReviewRecorded: ReviewRecordedData;
  PolicyPublished: PolicyPublishedData;
  NotificationDelivered: NotificationDeliveredData;
  NotificationFailed: NotificationFailedData;
  ExecutionStarted: ExecutionStartedData;
  ActionExecuted: ActionExecutedData;
  StandingApprovalGranted: StandingApprovalGrantedData;
  StandingApprovalUsed: StandingApprovalUsedData;
  StandingApprovalRevoked: StandingApprovalRevokedData;
  ApprovalDelegated: ApprovalDelegatedData;
  DelegationRevoked: DelegationRevokedData;
  DelegatedVoteRelayed: DelegatedVoteRelayedData;
  PasskeyRegistered: PasskeyRegisteredData;
  PasskeyRemoved: PasskeyRemovedData;
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
  'ApprovalEscalated',
  'ReviewRequested',
  'ReviewRecorded',
  'PolicyPublished',
  'NotificationDelivered',
  'NotificationFailed',
  'ExecutionStarted',
  'ActionExecuted',
  'StandingApprovalGranted',
  'StandingApprovalUsed',
  'StandingApprovalRevoked',
  'ApprovalDelegated',
  'DelegationRevoked',
  'DelegatedVoteRelayed',
  'PasskeyRegistered',
  'PasskeyRemoved',
];

/** Event types that end an action; exactly one of them per action. */
export const DECISION_TYPES = ['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled'] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/** A discriminated union of every event's draft shape: `{ type, data }`. */
export type DomainEventBody = { [K in EventType]: { type: K; data: EventDataByType[K] } }[EventType];

/** A sealed event of the action streams. */
export type ActionEvent = { [K in EventType]: EventEnvelope<K, EventDataByType[K]> }[EventType];

export const CURRENT_SCHEMA_VERSION = 1;
