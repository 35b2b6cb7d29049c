// What the log says happened to each action, reduced to what a policy simulation compares: the
// proposal, what policy said then, and the final decision. Pure: the caller reads the log.
import type { ActionEvent, ActionProposedData, PolicyEvaluatedData } from '@countersign/contracts';

/** How an action ended (DESIGN rule 6: who and how), or absent while it is pending. */
export type FinalDecision =
  | { kind: 'approved'; at: string; automatic: boolean; approvers: string[]; breakGlass: boolean }
  | { kind: 'denied'; at: string; automatic: boolean; deniedBy?: string }
  | { kind: 'expired'; at: string }
  | { kind: 'cancelled'; at: string; cancelledBy: string };

export interface ActionHistory {
  actionId: string;
  /** When the proposal was recorded: the `now` a replayed evaluation sees. */
  proposedAt: string;
  proposal: ActionProposedData;
  /** What policy said at the time; absent when no evaluation was recorded. */
  evaluation?: PolicyEvaluatedData;
  decision?: FinalDecision;
}

/** The event types a history is made of; every other type can be dropped while reading. */
export const HISTORY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ActionProposed',
  'PolicyEvaluated',
  'ActionApproved',
  'ActionDenied',
  'ActionExpired',
  'ActionCancelled',
]);

/**
 * One history per action that has an ActionProposed event, in the order the proposals were read.
 * Events of a stream without a proposal (a log cut short at its start) are ignored; a duplicate
 * event (redelivery before deduplication) does not replace the first one.
 */
export function foldHistories(events: Iterable<ActionEvent>): ActionHistory[] {
  const byAction = new Map<string, ActionHistory>();
  for (const event of events) {
    if (event.type === 'ActionProposed') {
      if (!byAction.has(event.streamId)) byAction.set(event.streamId, { actionId: event.streamId, proposedAt: event.occurredAt, proposal: event.data });
      continue;
    }
    const history = byAction.get(event.streamId);
    if (!history) continue;
    if (event.type === 'PolicyEvaluated') history.evaluation ??= event.data;
    else history.decision ??= decisionOf(event);
  }
  return [...byAction.values()];
}

function decisionOf(event: ActionEvent): FinalDecision | undefined {
  const at = event.occurredAt;
  switch (event.type) {
    case 'ActionApproved':
      return { kind: 'approved', at, automatic: event.data.automatic, approvers: [...event.data.approvers], breakGlass: event.data.breakGlass === true };
    case 'ActionDenied':
      return { kind: 'denied', at, automatic: event.data.automatic, ...(event.data.deniedBy !== undefined ? { deniedBy: event.data.deniedBy } : {}) };
    case 'ActionExpired':
      return { kind: 'expired', at };
    case 'ActionCancelled':
      return { kind: 'cancelled', at, cancelledBy: event.data.cancelledBy };
    case 'ActionProposed':
    case 'PolicyEvaluated':
    case 'ApprovalRequested':
    case 'VoteRecorded':
    case 'CommandRejected':
    case 'ApprovalEscalated':
    case 'ReviewRequested':
    case 'ReviewRecorded':
    case 'PolicyPublished':
    case 'NotificationDelivered':
    case 'NotificationFailed':
    case 'ExecutionStarted':
    case 'ActionExecuted':
    case 'StandingApprovalGranted':
    case 'StandingApprovalUsed':
    case 'StandingApprovalRevoked':
    case 'PasskeyRegistered':
    case 'PasskeyRemoved':
    case 'ApprovalDelegated':
    case 'DelegationRevoked':
    case 'DelegatedVoteRelayed':
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unknown event type ${String((never as ActionEvent).type)}`);
    }
  }
}
