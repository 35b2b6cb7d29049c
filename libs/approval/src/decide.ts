import type { ActionCommand, CancelActionData, CommandEnvelope } from '@countersign/contracts';
import { principalActor, requesterIds, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { decideEscalation } from './escalation.ts';
import { decideEvaluation } from './evaluation.ts';
import { decideExecution } from './execution.ts';
import { decideExpiry } from './expiry.ts';
import { decideNotification } from './notifications.ts';
import { notOpen, rejection } from './rejection.ts';
import { decideReview } from './review.ts';
import { isFinal, type ApprovalState } from './state.ts';
import { decideVote } from './votes.ts';
import { decideUnderStanding } from './standing/approve-under-standing.ts';

/** Stands in for rule and policy version when the requester cancels before policy has answered. */
export const NOT_EVALUATED = 'not-evaluated';

/**
 * What one command does to one action: the events to append, in order, or none. Pure: the
 * router folds the stream with `evolve`, calls this, and seals and appends what it returns.
 * A command already applied (its id is the causationId of an event in the stream) returns
 * nothing, so redelivery changes nothing.
 */
export function decide(command: ActionCommand, state: ApprovalState, ctx: DecideContext): ApprovalEventDraft[] {
  if (state.handledCommands.includes(command.id)) return [];
  switch (command.type) {
    case 'ProposeAction': {
      // Any other state means the action exists: a duplicate proposal changes nothing.
      if (state.status !== 'none') return [];
      const { requester } = command.data;
      return [{ type: 'ActionProposed', data: command.data, actor: { id: requester.id, kind: requester.kind } }];
    }
    case 'RecordPolicyEvaluation':
      if (state.status !== 'proposed' || state.evaluation) return [];
      return decideEvaluation(command.data, state.proposal, ctx);
    case 'RecordProposal': {
      // The one-step path: the proposal, its evaluation and what follows, in one append.
      if (state.status !== 'none') return [];
      const { proposal, evaluation } = command.data;
      const proposed: ApprovalEventDraft = { type: 'ActionProposed', data: proposal, actor: { id: proposal.requester.id, kind: proposal.requester.kind } };
      return [proposed, ...decideEvaluation(evaluation, proposal, ctx)];
    }
    case 'CastVote':
      return decideVote(command, state, ctx);
    case 'CancelAction':
      return decideCancel(command, state, ctx);
    case 'ExpireAction':
      return decideExpiry(command, state);
    case 'EscalateApproval':
      return decideEscalation(command, state, ctx);
    case 'RecordReview':
      return decideReview(command, state, ctx);
    case 'RecordNotificationDelivered':
    case 'RecordNotificationFailed':
      return decideNotification(command, state);
    case 'RecordExecution':
      return decideExecution(command, {
        status: state.status,
        ...(state.status !== 'none' ? { requester: state.proposal.requester } : {}),
        ...(state.status === 'approved' ? { approvedParamsHash: state.decision.paramsHash } : {}),
        ...(isFinal(state) && state.execution ? { execution: state.execution } : {}),
      }, ctx);
    case 'ApproveUnderStanding':
      return decideUnderStanding(command, state, ctx);
    // A requester ledger's commands (ADR 0004): the router never decides them on an action's stream.
    case 'GrantStandingApproval':
    case 'UseStandingApproval':
    case 'RevokeStandingApproval':
    // A principal's passkeys live in their ledger too (ADR 0009).
    case 'RegisterPasskey':
    case 'RemovePasskey':
    // A delegator's ledger decides delegations and relays their votes (ADR 0010).
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

/** Only the requester (or the human an agent acts for) withdraws an open action; that is its decision. */
function decideCancel(
  command: CommandEnvelope<'CancelAction', CancelActionData>,
  state: ApprovalState,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  const { by } = command.data;
  const closed = notOpen(state, 'cancelled');
  if (closed) return rejection(command, by, closed.code, closed.reason, state, ctx);
  if (state.status !== 'proposed' && state.status !== 'pending') return [];
  const { requester } = state.proposal;
  if (!requesterIds(requester).includes(by)) {
    return rejection(command, by, 'not_requester', `Only the requester ${requester.id} may cancel this action, not ${by}.`, state, ctx);
  }
  const evaluation = state.evaluation;
  return [
    {
      type: 'ActionCancelled',
      data: {
        rule: evaluation?.rule ?? NOT_EVALUATED,
        policyVersion: evaluation?.policyVersion ?? NOT_EVALUATED,
        paramsHash: state.proposal.paramsHash,
        reason: command.data.reason?.trim() || 'cancelled by requester',
        cancelledBy: by,
      },
      actor: principalActor(by, ctx.directory, requester),
    },
  ];
}
