import type { ActionCommand, RejectionCode, Requester } from '@countersign/contracts';
import { principalActor, type ApprovalEventDraft, type DecideContext } from './context.ts';
import type { ApprovalState, ApprovalStatus } from './state.ts';

/** A refusal recorded in the stream, so whoever sent the command learns why (rule 3). */
export function rejection(
  command: ActionCommand,
  by: string,
  code: RejectionCode,
  reason: string,
  state: ApprovalState,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  return rejectionFor(command, by, code, reason, state.status === 'none' ? undefined : state.proposal.requester, ctx);
}

/** The same refusal, given only the action's requester (what a settled action keeps of it). */
export function rejectionFor(
  command: ActionCommand,
  by: string,
  code: RejectionCode,
  reason: string,
  requester: Requester | undefined,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  return [
    {
      type: 'CommandRejected',
      data: { command: command.type, commandId: command.id, by, code, reason },
      actor: principalActor(by, ctx.directory, requester),
    },
  ];
}

/**
 * A command the router could not process after bounded attempts (a fault of ours, not the
 * sender's): the sender learns that it was set aside, in the stream of an action that exists.
 */
export function unprocessable(command: ActionCommand, reason: string, state: ApprovalState, ctx: DecideContext): ApprovalEventDraft[] {
  if (state.status === 'none') return [];
  return rejection(command, command.actor.id, 'unprocessable', `The command could not be processed and was dead-lettered: ${reason}`, state, ctx);
}

/** Why a command that needs an open action cannot apply, or undefined when the action is open. */
export function notOpen(state: { status: ApprovalStatus }, verb: string): { code: RejectionCode; reason: string } | undefined {
  switch (state.status) {
    case 'none':
      return { code: 'not_pending', reason: `This action cannot be ${verb}: it has not been proposed.` };
    case 'proposed':
    case 'pending':
      return undefined;
    case 'approved':
    case 'denied':
    case 'expired':
    case 'cancelled':
      return {
        code: 'already_decided',
        reason: `This action was already ${state.status}; it cannot be ${verb} after its final decision.`,
      };
    default: {
      const unknown: never = state.status;
      throw new Error(`approval: unknown status ${String(unknown)}`);
    }
  }
}
