import type { CommandEnvelope } from './envelope.ts';
import type { ActionProposedData, Channel, PolicyEvaluatedData, VoteDecision } from './events.ts';
import type { NotificationDeliveredData, NotificationFailedData } from './notification-events.ts';
import type { ReviewVerdict } from './policy-events.ts';
import type { RecordExecutionData } from './execution-events.ts';
import type {
  ApproveUnderStandingData, RevokeStandingApprovalData, StandingApprovalGrantedData, StandingTerms, UseStandingApprovalData,
} from './standing-events.ts';
import type { ApprovalDelegatedData, CastDelegatedVoteData, RevokeDelegationData } from './delegation-events.ts';
import type { RegisterPasskeyData, RemovePasskeyData, StepUpRecord } from './step-up-events.ts';

export type ProposeActionData = ActionProposedData;

export type RecordPolicyEvaluationData = PolicyEvaluatedData;

/**
 * A proposal as the policy evaluator hands it to the router, with what policy says about it: the
 * router appends ActionProposed, PolicyEvaluated and the decision (or the approval request) in one
 * transaction. The command's id is the proposal's (the ProposeAction's), so a proposal evaluated
 * twice yields the same command, applied once.
 */
export interface RecordProposalData {
  proposal: ProposeActionData;
  evaluation: PolicyEvaluatedData;
}

export interface CastVoteData {
  voter: string;
  /** The voter's linked identities, resolved by the edge from the directory. */
  voterIdentities: string[];
  decision: VoteDecision;
  /** Comment for an approval; the reason, required, for a denial. */
  comment?: string;
  via: Channel;
  identity?: string;
  /** Approve alone under the rule's break-glass clause (approve only; the comment says why). */
  breakGlass?: boolean;
  /**
   * The params hash the voter was shown (chat buttons carry it): a vote for other parameters than
   * the proposal's is refused (`params_mismatch`) rather than counted.
   */
  paramsHash?: string;
  /** With an approval: the standing approval offered to the requester (ADR 0004). */
  standing?: StandingTerms;
  /**
   * A delegate's vote for the delegator named here (ADR 0010): it counts as theirs. Only the
   * delegator's ledger sets it (with `delegation`), relaying the vote after checking the delegation.
   */
  onBehalfOf?: string;
  /** The delegation the ledger found active for this vote. */
  delegation?: string;
  /** The delegator's linked identities, resolved by the edge: none may be the requester's (rule 2). */
  onBehalfOfIdentities?: string[];
  /** With an approval under a step-up rule: the ceremony the gateway verified (docs/step-up.md). */
  stepUp?: StepUpRecord;
}

export interface CancelActionData {
  by: string;
  reason?: string;
}

export interface ExpireActionData {
  /** The instant the timer fired (ISO-8601). */
  at: string;
}

/** A timer fired at the request's escalation time. */
export interface EscalateApprovalData {
  at: string;
}

/** A reviewer's verdict on a break-glass approval; the comment, required, is the record of what they found. */
export interface RecordReviewData {
  reviewer: string;
  verdict: ReviewVerdict;
  comment: string;
}

export interface CommandDataByType {
  ProposeAction: ProposeActionData;
  RecordPolicyEvaluation: RecordPolicyEvaluationData;
  RecordProposal: RecordProposalData;
  CastVote: CastVoteData;
  CancelAction: CancelActionData;
  ExpireAction: ExpireActionData;
  EscalateApproval: EscalateApprovalData;
  RecordReview: RecordReviewData;
  /** The notifier reports a delivery; the router records it in the action's stream. */
  RecordNotificationDelivered: NotificationDeliveredData;
  RecordNotificationFailed: NotificationFailedData;
  /** An executor redeemed the action's grant or reports the outcome (issue 11). */
  RecordExecution: RecordExecutionData;
  /** Standing approvals (ADR 0004): the first three to a requester's ledger (keyed by its id), the last to an action. */
  GrantStandingApproval: StandingApprovalGrantedData;
  UseStandingApproval: UseStandingApprovalData;
  RevokeStandingApproval: RevokeStandingApprovalData;
  ApproveUnderStanding: ApproveUnderStandingData;
  /** Delegation (ADR 0010): to a delegator's ledger, keyed by its id. */
  DelegateApproval: ApprovalDelegatedData;
  RevokeDelegation: RevokeDelegationData;
  CastDelegatedVote: CastDelegatedVoteData;
  /** Passkeys (ADR 0009): to the principal's ledger (keyed by its id). */
  RegisterPasskey: RegisterPasskeyData;
  RemovePasskey: RemovePasskeyData;
}

export type CommandType = keyof CommandDataByType;

export const COMMAND_TYPES: readonly CommandType[] = [
  'ProposeAction',
  'RecordPolicyEvaluation',
  'RecordProposal',
  'CastVote',
  'CancelAction',
  'ExpireAction',
  'EscalateApproval',
  'RecordReview',
  'RecordNotificationDelivered',
  'RecordNotificationFailed',
  'RecordExecution',
  'GrantStandingApproval',
  'UseStandingApproval',
  'RevokeStandingApproval',
  'ApproveUnderStanding',
  'DelegateApproval',
  'RevokeDelegation',
  'CastDelegatedVote',
  'RegisterPasskey',
  'RemovePasskey',
];

export type ActionCommand = { [K in CommandType]: CommandEnvelope<K, CommandDataByType[K]> }[CommandType];
