import type { ActionCommand } from '@countersign/contracts';
import { requesterIds, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { decide } from './decide.ts';
import { escalationAdditions } from './escalation.ts';
import { rejectionsOf, type ApprovalState } from './state.ts';

/** Refusals of one principal's commands an action's stream records; beyond, they go elsewhere. */
export const REJECTION_LIMIT = 5;

/** A refused command that must not grow the action's chain, and the refusal to record elsewhere. */
export interface OutsiderRefusal {
  /** `outsider`: the author has no part in the action; `rejection_limit`: the stream refused them REJECTION_LIMIT times already. */
  kind: 'outsider' | 'rejection_limit';
  author: string;
  /** The CommandRejected that `decide` gives: the answer to send, recorded in a security stream instead. */
  rejection: Extract<ApprovalEventDraft, { type: 'CommandRejected' }>;
}

/**
 * Anyone authenticated can send commands about any action, and each refusal would be one more
 * event in that action's hash chain. So the router asks this before appending: undefined means
 * "decide and append as usual"; otherwise the command is refused (the same refusal `decide` gives)
 * but recorded in a separate security stream, never in the action's. That holds for a principal
 * with no part in the action (not its requester nor the human behind it, not eligible now, after
 * escalation or under break-glass, not a named reviewer), and for one whose commands this stream
 * has refused REJECTION_LIMIT times already. Only refusals are diverted: a command `decide`
 * accepts, or that also records something else (a late vote expires the action), is never held
 * back, so an involved principal's commands still decide as before. Service commands never are.
 */
export function outsiderRefusal(command: ActionCommand, state: ApprovalState, ctx: DecideContext): OutsiderRefusal | undefined {
  return divertedRefusal(command, (author) => ({ insider: involved(author, state, ctx), refused: rejectionsOf(state, author) }), () => decide(command, state, ctx));
}

/**
 * The rule of `outsiderRefusal` over any form of an action's state (the full state, or the compact
 * form of a settled action): `standing` says whether the author is involved and how many of their
 * commands the stream refused; `answer` is what deciding the command gives.
 */
export function divertedRefusal(
  command: ActionCommand,
  standing: (author: string) => { insider: boolean; refused: number },
  answer: () => ApprovalEventDraft[],
): OutsiderRefusal | undefined {
  const author = commandAuthor(command);
  if (author === undefined) return undefined;
  // An executor holds the action's signed grant (the gateway verified it): a party to the action.
  const { insider, refused } = command.type === 'RecordExecution' ? { insider: true, refused: standing(author).refused } : standing(author);
  if (insider && refused < REJECTION_LIMIT) return undefined;
  const drafts = answer();
  const [only] = drafts;
  if (drafts.length !== 1 || only.type !== 'CommandRejected') return undefined;
  return { kind: insider ? 'rejection_limit' : 'outsider', author, rejection: only };
}

/** The principal a command speaks for, or undefined for commands services send. */
function commandAuthor(command: ActionCommand): string | undefined {
  switch (command.type) {
    case 'CastVote':
      // A delegated vote speaks for its delegator (ADR 0010): their part in the action is what counts.
      return command.data.onBehalfOf ?? command.data.voter;
    case 'CancelAction':
      return command.data.by;
    case 'RecordReview':
      return command.data.reviewer;
    case 'RecordExecution':
      return command.data.executor;
    case 'ProposeAction':
    case 'RecordPolicyEvaluation':
    case 'RecordProposal':
    case 'ExpireAction':
    case 'EscalateApproval':
    case 'RecordNotificationDelivered':
    case 'RecordNotificationFailed':
    case 'ApproveUnderStanding':
    case 'GrantStandingApproval':
    case 'UseStandingApproval':
    case 'RevokeStandingApproval':
    case 'RegisterPasskey':
    case 'RemovePasskey':
    case 'DelegateApproval':
    case 'RevokeDelegation':
    case 'CastDelegatedVote':
      return undefined;
    default: {
      const unknown: never = command;
      throw new Error(`approval: unknown command type "${(unknown as { type: string }).type}"`);
    }
  }
}

/** Whether `principal` has a part in the action: may cancel, vote (now or later), or review it. */
function involved(principal: string, state: ApprovalState, ctx: DecideContext): boolean {
  if (state.status === 'none') return false;
  // Auditors and admins see every action: a refusal tells them nothing new, so it is recorded.
  if (Object.hasOwn(ctx.directory.principals, principal) && ctx.directory.principals[principal].readsAll) return true;
  const { requester } = state.proposal;
  if (requesterIds(requester).includes(principal)) return true;
  if (state.status === 'proposed') return false;
  const { request, escalated } = state;
  if (!request) return false;
  const parts = [request.eligible, escalated?.added ?? [], request.breakGlass?.eligible ?? []];
  if (request.escalation && !escalated) parts.push(escalationAdditions(ctx.directory, requester, request, request.escalation.groups).added);
  if (state.status !== 'pending' && state.review) parts.push(state.review.reviewers);
  return parts.some((ids) => ids.includes(principal));
}
