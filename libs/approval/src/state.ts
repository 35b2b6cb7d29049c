import type {
  ActionApprovedData,
  ActionCancelledData,
  ActionDeniedData,
  ActionExpiredData,
  ActionProposedData,
  ApprovalRequestedData,
  PolicyEvaluatedData,
  VoteRecordedData,
} from '@countersign/contracts';

/**
 * The approval state of one action, folded from its stream by `evolve`. It holds only what
 * `decide` needs; stream heads and sequence numbers are the router's business.
 */
export type ApprovalState = NoAction | Proposed | Pending | Decided;

interface Common {
  /** causationIds of every applied event: a command already handled is a no-op when redelivered. */
  handledCommands: string[];
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
  };

export type ApprovalStatus = ApprovalState['status'];
export type FinalStatus = FinalDecision['status'];

export const initialState: ApprovalState = { status: 'none', handledCommands: [] };

const FINAL_STATUSES: ReadonlySet<ApprovalStatus> = new Set<FinalStatus>(['approved', 'denied', 'expired', 'cancelled']);

export function isFinal(state: ApprovalState): state is Decided {
  return FINAL_STATUSES.has(state.status);
}

/** The instant a pending action expires, for the router's timers; undefined unless pending. */
export function nextDeadline(state: ApprovalState): string | undefined {
  return state.status === 'pending' ? state.request.deadline : undefined;
}
