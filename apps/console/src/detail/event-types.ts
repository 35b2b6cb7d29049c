/**
 * The event types an action's stream names in `event:` (an EventSource hears only the names it
 * listens to). Types added later still reach the timeline on the next reload.
 */
export const EVENT_TYPES = [
  'ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'CommandRejected', 'ActionApproved',
  'ActionDenied', 'ActionExpired', 'ActionCancelled', 'ApprovalEscalated', 'ReviewRequested', 'ReviewRecorded',
  'PolicyPublished', 'NotificationDelivered', 'NotificationFailed', 'ExecutionStarted', 'ActionExecuted',
  'StandingApprovalGranted', 'StandingApprovalUsed', 'StandingApprovalRevoked', 'DelegatedVoteRelayed',
] as const;
