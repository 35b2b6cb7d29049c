import type {
  ActionApprovedData,
  ActionCancelledData,
  ActionDeniedData,
  ActionExpiredData,
  ActionProposedData,
  ApprovalEscalatedData,
  ApprovalRequestedData,
  PolicyEvaluatedData,
  PolicyPublishedData,
  ReviewRecordedData,
  ReviewRequestedData,
  VoteRecordedData,
} from '@countersign/contracts';
import type { ExecutionRecord } from './execution.ts';

/**
 * The approval state of one action, folded from its stream by `evolve`. It holds only what
 * `decide` needs; stream heads and sequence numbers are the router's business.
 */
export type ApprovalState = NoAction | Proposed | Pending | Decided;

interface Common {
  /** causationIds of every applied event: a command already handled is a no-op when redelivered. */
  handledCommands: string[];
  /** How many of its commands were refused in this stream, by principal (see `outsiderRefusal`). */
  rejections?: Readonly<Record<string, number>>;
}

export interface NoAction extends Common {
  status: 'none';
}

export interface Proposed extends Common {
  status: 'proposed';
  proposal: ActionProposedData;
  /** Present between PolicyEvaluated and the request or decision that follows it in one batch. */
  evaluation?: PolicyEvaluatedData;
}

export interface Pending extends Common {
  status: 'pending';
  proposal: ActionProposedData;
  evaluation: PolicyEvaluatedData;
  request: ApprovalRequestedData;
  votes: VoteRecordedData[];
  /** Set once the request escalated: its `added` principals may vote too (see `currentRequest`). */
  escalated?: ApprovalEscalatedData;
}

/** The one final decision of an action, keyed like the event that recorded it. */
export type FinalDecision =
  | { status: 'approved'; decision: ActionApprovedData }
  | { status: 'denied'; decision: ActionDeniedData }
  | { status: 'expired'; decision: ActionExpiredData }
  | { status: 'cancelled'; decision: ActionCancelledData };

export type Decided = Common &
  FinalDecision & {
    proposal: ActionProposedData;
    /** Absent when the requester cancelled before policy answered. */
    evaluation?: PolicyEvaluatedData;
    /** Absent when policy decided on its own. */
    request?: ApprovalRequestedData;
    votes: VoteRecordedData[];
    escalated?: ApprovalEscalatedData;
    /** The review that follows a break-glass approval (in the same batch). */
    review?: ReviewRequestedData;
    /** The review as recorded by one of its reviewers, afterwards (RecordReview). */
    reviewed?: ReviewRecordedData;
    /** The policy set an approved `countersign.policy.publish` published (in the same batch). */
    publication?: PolicyPublishedData;
    /** The redemption of an approved action's grant and the outcome its executor reported. */
    execution?: ExecutionRecord;
  };

export type ApprovalStatus = ApprovalState['status'];
export type FinalStatus = FinalDecision['status'];

export const initialState: ApprovalState = { status: 'none', handledCommands: [] };

const FINAL_STATUSES: ReadonlySet<ApprovalStatus> = new Set<FinalStatus>(['approved', 'denied', 'expired', 'cancelled']);

export function isFinal(state: ApprovalState): state is Decided {
  return FINAL_STATUSES.has(state.status);
}

/** How many commands of `principal` this stream has refused. */
export function rejectionsOf(state: ApprovalState, principal: string): number {
  return state.rejections && Object.hasOwn(state.rejections, principal) ? state.rejections[principal] : 0;
}

/** The instant a pending action expires; undefined unless pending. */
export function nextDeadline(state: ApprovalState): string | undefined {
  return state.status === 'pending' ? state.request.deadline : undefined;
}

/** A timer the router must arm: at `at`, send `command` (with `data.at` = the instant it fired). */
export interface ApprovalTimer {
  at: string;
  command: 'EscalateApproval' | 'ExpireAction';
}

/**
 * The next timer of a pending action: its escalation while not yet done, else its deadline.
 * An escalation planned at or after the deadline never fires: the action expires first.
 */
export function nextTimer(state: ApprovalState): ApprovalTimer | undefined {
  if (state.status !== 'pending') return undefined;
  const { escalation, deadline } = state.request;
  if (escalation && !state.escalated && Date.parse(escalation.at) < Date.parse(deadline)) {
    return { at: escalation.at, command: 'EscalateApproval' };
  }
  return { at: deadline, command: 'ExpireAction' };
}
