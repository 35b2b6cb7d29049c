import { POLICY_PUBLISH_ACTION, type ActionEvent } from '@countersign/contracts';
import { evolveExecution } from './execution.ts';
import { rejectionsOf, type ApprovalState, type Decided, type FinalDecision } from './state.ts';

/**
 * Folds one event of an action's stream into its state. Every event was written by `decide`, so
 * an event that cannot follow the current state means a corrupt or foreign stream: we throw
 * rather than guess, and the router dead-letters the stream.
 */
export function evolve(state: ApprovalState, event: ActionEvent): ApprovalState {
  const handledCommands = state.handledCommands.includes(event.causationId)
    ? state.handledCommands
    : [...state.handledCommands, event.causationId];

  switch (event.type) {
    case 'ActionProposed':
      if (state.status !== 'none') break;
      return { status: 'proposed', proposal: event.data, handledCommands, ...rejections(state) };
    case 'PolicyEvaluated':
      if (state.status !== 'proposed') break;
      return { ...state, evaluation: event.data, handledCommands };
    case 'ApprovalRequested':
      if (state.status !== 'proposed' || !state.evaluation) break;
      return {
        status: 'pending',
        proposal: state.proposal,
        evaluation: state.evaluation,
        request: event.data,
        votes: [],
        handledCommands,
        ...rejections(state),
      };
    case 'VoteRecorded':
      if (state.status !== 'pending') break;
      return { ...state, votes: [...state.votes, event.data], handledCommands };
    case 'ApprovalEscalated':
      if (state.status !== 'pending' || state.escalated) break;
      return { ...state, escalated: event.data, handledCommands };
    case 'CommandRejected': {
      // A refusal changes nothing but the record that the command was answered, and by whom.
      const { by } = event.data;
      return { ...state, handledCommands, rejections: { ...state.rejections, [by]: rejectionsOf(state, by) + 1 } };
    }
    case 'ActionApproved':
      return decided(state, { status: 'approved', decision: event.data }, handledCommands) ?? invalid(state, event);
    case 'ActionDenied':
      return decided(state, { status: 'denied', decision: event.data }, handledCommands) ?? invalid(state, event);
    case 'ActionExpired':
      return decided(state, { status: 'expired', decision: event.data }, handledCommands) ?? invalid(state, event);
    case 'ActionCancelled':
      return decided(state, { status: 'cancelled', decision: event.data }, handledCommands) ?? invalid(state, event);
    // The follow-ups of an approval, written with it: the review of a break-glass approval, and
    // the publication of an approved policy change. Each at most once, and only where it belongs.
    case 'ReviewRequested':
      if (state.status !== 'approved' || !state.decision.breakGlass || state.review) break;
      return { ...state, review: event.data, handledCommands };
    // The review itself comes later, by its own command: once, and only where one was asked for.
    case 'ReviewRecorded':
      if (state.status !== 'approved' || !state.review || state.reviewed) break;
      return { ...state, reviewed: event.data, handledCommands };
    case 'PolicyPublished':
      if (state.status !== 'approved' || state.proposal.action !== POLICY_PUBLISH_ACTION || state.publication) break;
      return { ...state, publication: event.data, handledCommands };
    // Delivery outcomes are a record of messages sent, at any point after the proposal: they
    // never change the approval status.
    case 'NotificationDelivered':
    case 'NotificationFailed':
      if (state.status === 'none') break;
      return { ...state, handledCommands };
    // An approved action's grant is redeemed once, then its outcome reported once (issue 11).
    case 'ExecutionStarted':
    case 'ActionExecuted': {
      if (state.status !== 'approved') break;
      const execution = evolveExecution(state.execution, event);
      if (!execution) break;
      return { ...state, execution, handledCommands };
    }
    // A requester ledger's events (ADR 0004) never belong to an action's stream.
    case 'StandingApprovalGranted':
    case 'StandingApprovalUsed':
    case 'StandingApprovalRevoked':
    case 'PasskeyRegistered':
    case 'PasskeyRemoved':
    case 'ApprovalDelegated':
    case 'DelegationRevoked':
    case 'DelegatedVoteRelayed':
      break;
    default: {
      const unknown: never = event;
      throw new Error(`approval: unknown event type "${(unknown as { type: string }).type}"`);
    }
  }
  return invalid(state, event);
}

/** A decision may follow a proposal (cancel), an evaluation (automatic) or a request (votes, expiry). */
function decided(state: ApprovalState, final: FinalDecision, handledCommands: string[]): Decided | undefined {
  if (state.status !== 'proposed' && state.status !== 'pending') return undefined;
  return {
    ...final,
    proposal: state.proposal,
    ...(state.evaluation ? { evaluation: state.evaluation } : {}),
    ...(state.status === 'pending' ? { request: state.request } : {}),
    ...(state.status === 'pending' && state.escalated ? { escalated: state.escalated } : {}),
    votes: state.status === 'pending' ? state.votes : [],
    handledCommands,
    ...rejections(state),
  };
}

const rejections = (state: ApprovalState) => (state.rejections ? { rejections: state.rejections } : {});

function invalid(state: ApprovalState, event: ActionEvent): never {
  throw new Error(
    `approval: ${event.type} (seq ${event.seq} of stream ${event.streamId}) cannot follow status "${state.status}"`,
  );
}
