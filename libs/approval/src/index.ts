export { decide, NOT_EVALUATED } from './decide.ts';
export { evolve } from './evolve.ts';
export { initialState, isFinal, nextDeadline, nextTimer } from './state.ts';
export type {
  ApprovalState, ApprovalStatus, ApprovalTimer, Decided, FinalDecision, FinalStatus, NoAction, Pending, Proposed,
} from './state.ts';
export type { ApprovalEventDraft, DecideContext, Directory } from './context.ts';
export { distinctGroupCover, approvalsCounted, quorumReached } from './quorum.ts';
export { currentRequest } from './escalation.ts';
export { policyPublication, publicationProblem } from './publication.ts';
export { NOTIFIER } from './notifications.ts';
