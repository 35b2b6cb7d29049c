export { decide, NOT_EVALUATED } from './decide.ts';
export { evolve } from './evolve.ts';
export { initialState, isFinal, nextDeadline, nextTimer, rejectionsOf } from './state.ts';
export type {
  ApprovalState, ApprovalStatus, ApprovalTimer, Decided, FinalDecision, FinalStatus, NoAction, Pending, Proposed,
} from './state.ts';
export type { ApprovalEventDraft, DecideContext, Directory } from './context.ts';
export { distinctGroupCover, approvalsCounted, quorumReached } from './quorum.ts';
export { currentRequest } from './escalation.ts';
export { NOTIFIER } from './notifications.ts';
export { policyPublication, policyVersionInForce, publicationProblem, stalePublication, type PublishedRecord } from './publication.ts';
export { outsiderRefusal, REJECTION_LIMIT, type OutsiderRefusal } from './outsiders.ts';
export { unprocessable } from './rejection.ts';
export { canSettle, decideSettled, evolveSettled, settle, settledRefusal, unprocessableSettled, type Settled } from './settled.ts';
export { decideLedger, mayRevoke, type LedgerContext, type StandingChecks } from './standing/decide-ledger.ts';
export { evolveLedger, initialLedger, isLive, standingStatus, type LedgerState, type StandingRecord } from './standing/ledger.ts';
export { standingFollowUps, type StandingFollowUp } from './standing/follow-ups.ts';
export { decideDelegations, delegationProblem, mayRevokeDelegation, type DelegationContext } from './delegation/decide-delegations.ts';
export {
  delegationStatus, evolveDelegations, initialDelegations, isActiveDelegation, type DelegationLedger, type DelegationRecord, type DelegationStatus,
} from './delegation/delegations.ts';
export { delegationFollowUps, type DelegationFollowUp } from './delegation/follow-ups.ts';
export { countedAs } from './delegation/delegated-vote.ts';
