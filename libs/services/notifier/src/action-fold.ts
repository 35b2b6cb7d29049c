import type {
  ActionEvent, ActionProposedData, ApprovalEscalatedData, ApprovalRequestedData, DecisionType, EventDataByType,
  NotificationPurpose, PolicyEvaluatedData,
} from '@countersign/contracts';

/** A message that reached a channel, as the notifier learnt from a NotificationDelivered event. */
export interface DeliveryRecord {
  channel: string;
  purpose: NotificationPurpose;
  ref?: Record<string, string>;
  updated?: boolean;
}

export interface DecisionSeen {
  type: DecisionType;
  data: EventDataByType[DecisionType];
  at: string;
}

/** What the notifier keeps per action: enough to build messages and to know what was sent. */
export interface NotifiedAction {
  actionId: string;
  proposal?: ActionProposedData;
  evaluation?: PolicyEvaluatedData;
  request?: ApprovalRequestedData;
  escalation?: ApprovalEscalatedData;
  /** Distinct principals who approved so far. */
  approvers: string[];
  decision?: DecisionSeen;
  deliveries: DeliveryRecord[];
}

export function emptyAction(actionId: string): NotifiedAction {
  return { actionId, approvers: [], deliveries: [] };
}

/** Identifies one delivery: a redelivered event must not send what was already sent. */
export function deliveryKey(channel: string, purpose: NotificationPurpose, ref?: Record<string, string>): string {
  return ref ? `${channel}|${purpose}|update|${canonicalRef(ref)}` : `${channel}|${purpose}`;
}

function canonicalRef(ref: Record<string, string>): string {
  return Object.keys(ref).sort().map((k) => `${k}=${ref[k]}`).join('&');
}

/** The key of a delivery as recorded: updates are told apart by the message they changed. */
export function keyOf(record: DeliveryRecord): string {
  return deliveryKey(record.channel, record.purpose, record.updated ? record.ref : undefined);
}

/**
 * evolve(state, event) for the notifier. Idempotent by content, not by position: applying an event
 * twice, or on top of a state rebuilt from the read model, changes nothing more, so at-least-once
 * delivery and restarts are harmless.
 */
export function foldEvent(state: NotifiedAction, event: ActionEvent): NotifiedAction {
  switch (event.type) {
    case 'ActionProposed':
      return { ...state, proposal: event.data };
    case 'PolicyEvaluated':
      return { ...state, evaluation: event.data };
    case 'ApprovalRequested':
      return { ...state, request: event.data };
    case 'ApprovalEscalated':
      return { ...state, escalation: event.data };
    case 'VoteRecorded':
      if (event.data.decision !== 'approve' || state.approvers.includes(event.data.voter)) return state;
      return { ...state, approvers: [...state.approvers, event.data.voter] };
    case 'ActionApproved':
    case 'ActionDenied':
    case 'ActionExpired':
    case 'ActionCancelled':
      if (state.decision) return state;
      return { ...state, decision: { type: event.type, data: event.data, at: event.occurredAt } };
    case 'NotificationDelivered': {
      const d = event.data;
      const record: DeliveryRecord = { channel: d.channel, purpose: d.purpose, ...(d.ref ? { ref: d.ref } : {}), ...(d.updated ? { updated: true } : {}) };
      return addDelivery(state, record);
    }
    case 'NotificationFailed':
    case 'CommandRejected':
    case 'ReviewRequested':
    case 'ReviewRecorded':
    case 'PolicyPublished':
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
      return state;
    default: {
      const unknown: never = event;
      throw new Error(`notifier: unknown event type "${(unknown as { type: string }).type}"`);
    }
  }
}

export function addDelivery(state: NotifiedAction, record: DeliveryRecord): NotifiedAction {
  const key = keyOf(record);
  if (state.deliveries.some((d) => keyOf(d) === key)) return state;
  return { ...state, deliveries: [...state.deliveries, record] };
}

/** Whether (channel, purpose) — or an update of `ref` — was already delivered. */
export function wasDelivered(state: NotifiedAction, key: string): boolean {
  return state.deliveries.some((d) => keyOf(d) === key);
}
