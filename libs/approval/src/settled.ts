import type { ActionCommand, ActionEvent, ApprovalRequestedData, Requester, ReviewRequestedData } from '@countersign/contracts';
import { requesterIds, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { escalationAdditions } from './escalation.ts';
import { decideExecution, evolveExecution, type ExecutionRecord } from './execution.ts';
import { NOTIFIER } from './notifications.ts';
import { divertedRefusal, type OutsiderRefusal } from './outsiders.ts';
import { notOpen, rejectionFor } from './rejection.ts';
import { answerReview } from './review.ts';
import { isFinal, type ApprovalState, type Decided, type FinalStatus } from './state.ts';

/**
 * The compact form of a settled action: decided, its break-glass review (if any) recorded, and
 * quiet for a while (the router decides when: see its working-set rule). It keeps only what
 * answering a late or duplicate command needs, and answers every command exactly as the full state
 * would (settled.spec.ts holds the two side by side): a proposal, evaluation or timer changes
 * nothing, a vote or cancellation is refused as already decided, a review is refused as already
 * recorded (or as never asked for), a notification outcome is recorded; and rule 3 holds
 * unchanged: refusals of principals involved in the action go in its chain, up to REJECTION_LIMIT
 * each, others to the security topic. Plain JSON, like ApprovalState: it is what a stream head
 * record carries for a settled action.
 */
export interface Settled {
  status: FinalStatus;
  requester: Requester;
  /** Who may have voted: the eligible approvers, those an escalation added, break-glass approvers. */
  voters: string[];
  /**
   * An escalation that was planned but never happened (the action was decided first): its groups'
   * members count as involved, looked up in the directory when asked, as for the full state.
   */
  unescalated?: { groups: string[]; request: Pick<ApprovalRequestedData, 'groups' | 'eligible'> };
  /** The break-glass review, as requested (always recorded by then, by `reviewedBy`). */
  review?: ReviewRequestedData;
  reviewedBy?: string;
  rejections?: Readonly<Record<string, number>>;
  /** An approved action's params hash (what its grant covers), and its execution so far. */
  approvedParamsHash?: string;
  execution?: ExecutionRecord;
  /** Ids of every command applied to the stream: a duplicate of one still changes nothing. */
  handledCommands: string[];
}

/** Whether a full state may be settled: decided, with no review still to record. */
export function canSettle(state: ApprovalState): state is Decided {
  return isFinal(state) && (!state.review || state.reviewed !== undefined);
}

/** The compact form of a decided action whose review, if any, is recorded (see `canSettle`). */
export function settle(state: Decided): Settled {
  if (!canSettle(state)) throw new Error('approval: only a decided action with no review outstanding settles');
  const { request, escalated } = state;
  const voters = [...(request?.eligible ?? []), ...(escalated?.added ?? []), ...(request?.breakGlass?.eligible ?? [])];
  return {
    status: state.status,
    requester: state.proposal.requester,
    voters: [...new Set(voters)],
    ...(request?.escalation && !escalated ? { unescalated: { groups: request.escalation.groups, request: { groups: request.groups, eligible: request.eligible } } } : {}),
    ...(state.review ? { review: state.review } : {}),
    ...(state.reviewed ? { reviewedBy: state.reviewed.reviewer } : {}),
    ...(state.rejections ? { rejections: state.rejections } : {}),
    ...(state.status === 'approved' ? { approvedParamsHash: state.decision.paramsHash } : {}),
    ...(state.execution ? { execution: state.execution } : {}),
    handledCommands: state.handledCommands,
  };
}

/** What one command does to a settled action: the same events `decide` gives for its full state. */
export function decideSettled(command: ActionCommand, settled: Settled, ctx: DecideContext): ApprovalEventDraft[] {
  if (settled.handledCommands.includes(command.id)) return [];
  switch (command.type) {
    case 'ProposeAction':
    case 'RecordProposal':
    case 'RecordPolicyEvaluation':
    case 'ExpireAction':
    case 'EscalateApproval':
      return [];
    case 'CastVote':
      return alreadyDecided(command, command.data.voter, 'voted on', settled, ctx);
    case 'CancelAction':
      return alreadyDecided(command, command.data.by, 'cancelled', settled, ctx);
    case 'RecordReview':
      return answerReview(command, settled, ctx);
    case 'RecordNotificationDelivered':
      return [{ type: 'NotificationDelivered', data: command.data, actor: NOTIFIER }];
    case 'RecordNotificationFailed':
      return [{ type: 'NotificationFailed', data: command.data, actor: NOTIFIER }];
    case 'RecordExecution':
      return decideExecution(command, settled, ctx);
    // Decided already: a use of a standing approval arriving now approves nothing; ledger commands never come here.
    case 'ApproveUnderStanding':
    case 'GrantStandingApproval':
    case 'UseStandingApproval':
    case 'RevokeStandingApproval':
    case 'RegisterPasskey':
    case 'RemovePasskey':
    case 'DelegateApproval':
    case 'RevokeDelegation':
    case 'CastDelegatedVote':
      return [];
    default: {
      const unknown: never = command;
      throw new Error(`approval: unknown command type "${(unknown as { type: string }).type}"`);
    }
  }
}

/** `outsiderRefusal` for a settled action: the same rule 3, over what it keeps. */
export function settledRefusal(command: ActionCommand, settled: Settled, ctx: DecideContext): OutsiderRefusal | undefined {
  return divertedRefusal(
    command,
    (author) => ({ insider: involvedIn(settled, author, ctx), refused: refusedOf(settled, author) }),
    () => decideSettled(command, settled, ctx),
  );
}

/** A command the router set aside (dead-lettered): its sender is told, in the stream. */
export function unprocessableSettled(command: ActionCommand, reason: string, settled: Settled, ctx: DecideContext): ApprovalEventDraft[] {
  return rejectionFor(command, command.actor.id, 'unprocessable', `The command could not be processed and was dead-lettered: ${reason}`, settled.requester, ctx);
}

/** Folds an event appended to a settled action: only refusals and notification outcomes can follow. */
export function evolveSettled(settled: Settled, event: ActionEvent): Settled {
  const handledCommands = settled.handledCommands.includes(event.causationId) ? settled.handledCommands : [...settled.handledCommands, event.causationId];
  switch (event.type) {
    case 'CommandRejected': {
      const { by } = event.data;
      return { ...settled, handledCommands, rejections: { ...settled.rejections, [by]: refusedOf(settled, by) + 1 } };
    }
    case 'NotificationDelivered':
    case 'NotificationFailed':
      return { ...settled, handledCommands };
    case 'ExecutionStarted':
    case 'ActionExecuted': {
      const execution = settled.status === 'approved' ? evolveExecution(settled.execution, event) : undefined;
      if (execution) return { ...settled, execution, handledCommands };
      throw new Error(`approval: ${event.type} (seq ${event.seq} of stream ${event.streamId}) cannot follow this settled action's execution`);
    }
    default:
      throw new Error(`approval: ${event.type} (seq ${event.seq} of stream ${event.streamId}) cannot follow a settled action (${settled.status})`);
  }
}

function alreadyDecided(command: ActionCommand, by: string, verb: string, settled: Settled, ctx: DecideContext): ApprovalEventDraft[] {
  const closed = notOpen(settled, verb)!;
  return rejectionFor(command, by, closed.code, closed.reason, settled.requester, ctx);
}

function refusedOf(settled: Settled, principal: string): number {
  return settled.rejections && Object.hasOwn(settled.rejections, principal) ? settled.rejections[principal] : 0;
}

/** `involved` of outsiders.ts for a settled action: the same parties, from what it keeps. */
function involvedIn(settled: Settled, principal: string, ctx: DecideContext): boolean {
  if (Object.hasOwn(ctx.directory.principals, principal) && ctx.directory.principals[principal].readsAll) return true;
  if (requesterIds(settled.requester).includes(principal)) return true;
  if (settled.voters.includes(principal) || (settled.review?.reviewers.includes(principal) ?? false)) return true;
  const { unescalated } = settled;
  return unescalated !== undefined && escalationAdditions(ctx.directory, settled.requester, unescalated.request, unescalated.groups).added.includes(principal);
}
