/** What the notifier reports about deliveries: recorded by the router in the action's stream. */

/** Why a message was sent. */
export type NotificationPurpose = 'request' | 'escalation' | 'decision' | 'callback';

/**
 * A message reached a channel (`slack:#data-approvals`, `slack:@U123` for a DM, `teams:<conversation>`,
 * `webhook:<name>`, or `callback` for the requester's callback URL).
 */
export interface NotificationDeliveredData {
  channel: string;
  purpose: NotificationPurpose;
  /** 1 for the first try. */
  attempt: number;
  /** Where the message lives, to update it after the decision: e.g. Slack `{ channel, ts }`. */
  ref?: Record<string, string>;
  /** A message already sent, changed in place to show the outcome (chat.update, card refresh). */
  updated?: boolean;
}

/** A delivery attempt failed; the action stays approvable through the API and other channels. */
export interface NotificationFailedData {
  channel: string;
  purpose: NotificationPurpose;
  attempt: number;
  reason: string;
  /** When the next attempt is planned; absent when the notifier gave up. */
  nextAttemptAt?: string;
}
