import type { ActionEvent, NotificationPurpose } from '@countersign/contracts';
import { deliveryKey, wasDelivered, type NotifiedAction } from './action-fold.ts';

export type DeliveryOp = 'send' | 'update' | 'callback';

/** One message to send (or change), decided from one event; the queue carries it out. */
export interface PlannedDelivery {
  actionId: string;
  /** `kind:address`, or `callback` for the requester's callback URL. */
  channel: string;
  purpose: NotificationPurpose;
  op: DeliveryOp;
  /** For updates: the message to change. */
  ref?: Record<string, string>;
  /** For callbacks: the URL. */
  url?: string;
  /** Identifies the delivery for idempotency (see `deliveryKey`). */
  key: string;
}

/** `slack:#data-approvals` → `{ kind: 'slack', address: '#data-approvals' }`; undefined if malformed. */
export function parseChannel(channel: string): { kind: string; address: string } | undefined {
  const at = channel.indexOf(':');
  if (at <= 0 || at === channel.length - 1) return undefined;
  return { kind: channel.slice(0, at), address: channel.slice(at + 1) };
}

const unique = (list: readonly string[]) => [...new Set(list)];

/**
 * What `event` asks the notifier to deliver, given the action's state after folding it in.
 * Deliveries already recorded are left out, so a redelivered event sends nothing twice.
 */
export function planDeliveries(state: NotifiedAction, event: ActionEvent): PlannedDelivery[] {
  const actionId = state.actionId;
  const send = (channel: string, purpose: NotificationPurpose): PlannedDelivery => ({ actionId, channel, purpose, op: 'send', key: deliveryKey(channel, purpose) });
  let planned: PlannedDelivery[];
  switch (event.type) {
    case 'ApprovalRequested':
      // Nothing to ask once decided (a replay after a restart may see the request late).
      planned = state.decision ? [] : unique(event.data.channels ?? []).map((c) => send(c, 'request'));
      break;
    case 'ApprovalEscalated':
      planned = state.decision ? [] : unique(event.data.channels ?? []).map((c) => send(c, 'escalation'));
      break;
    case 'ActionApproved':
    case 'ActionDenied':
    case 'ActionExpired':
    case 'ActionCancelled':
      planned = decisionDeliveries(state);
      break;
    default:
      return [];
  }
  return planned.filter((p) => !wasDelivered(state, p.key));
}

/** What a decision asks for: updates of messages sent, webhooks told, the requester called back. */
export function decisionDeliveries(state: NotifiedAction): PlannedDelivery[] {
  const actionId = state.actionId;
  const updates: PlannedDelivery[] = state.deliveries
    .filter((d) => d.ref && !d.updated && (d.purpose === 'request' || d.purpose === 'escalation'))
    .map((d) => ({ actionId, channel: d.channel, purpose: 'decision', op: 'update', ref: d.ref, key: deliveryKey(d.channel, 'decision', d.ref) }));
  // Webhooks cannot be changed in place: the ones that were asked are told the outcome instead.
  const asked = unique([...(state.request?.channels ?? []), ...(state.escalation?.channels ?? [])]);
  const webhooks: PlannedDelivery[] = asked
    .filter((c) => parseChannel(c)?.kind === 'webhook')
    .map((channel) => ({ actionId, channel, purpose: 'decision', op: 'send', key: deliveryKey(channel, 'decision') }));
  const url = state.proposal?.callbackUrl;
  const callback: PlannedDelivery[] = url
    ? [{ actionId, channel: 'callback', purpose: 'callback', op: 'callback', url, key: deliveryKey('callback', 'callback') }]
    : [];
  return [...updates, ...webhooks, ...callback];
}

/**
 * The requester learns the outcome where they are: a direct message to each of their linked Slack
 * identities (and those of the human an agent acts for, passed in as `identities`). Only kinds
 * with a configured adapter, so an installation without Slack records no failure for it.
 */
export function requesterDeliveries(state: NotifiedAction, identities: readonly string[], kinds: ReadonlySet<string>): PlannedDelivery[] {
  if (!state.decision || !kinds.has('slack')) return [];
  const actionId = state.actionId;
  const slackUsers = unique([...(state.proposal?.requester.identities ?? []), ...identities])
    .filter((i) => /^slack:U[A-Z0-9]+$/.test(i))
    .map((i) => `slack:@${i.slice('slack:'.length)}`);
  return slackUsers.map((channel) => ({ actionId, channel, purpose: 'decision' as const, op: 'send' as const, key: deliveryKey(channel, 'decision') }));
}

/** The channel that stands for direct messages to each approver with a linked Slack account. */
export const SLACK_APPROVERS = 'slack:@approvers';

/**
 * Replaces `slack:@approvers` by one direct message per approver: for a request, every eligible
 * principal; for an escalation, the principals it added. Approvers without a linked Slack account
 * are left out (they still have the API and the other channels).
 */
export function expandApproverDMs(planned: readonly PlannedDelivery[], state: NotifiedAction, identitiesOf: (principal: string) => readonly string[]): PlannedDelivery[] {
  return planned.flatMap((p) => {
    if (p.channel !== SLACK_APPROVERS || p.op !== 'send') return [p];
    const who = p.purpose === 'escalation' ? (state.escalation?.added ?? []) : (state.request?.eligible ?? []);
    const users = unique(who.flatMap((id) => identitiesOf(id).filter((i) => /^slack:U[A-Z0-9]+$/.test(i))));
    return users.map((i) => {
      const channel = `slack:@${i.slice('slack:'.length)}`;
      return { ...p, channel, key: deliveryKey(channel, p.purpose) };
    });
  });
}
