import type { ActionEvent, NotificationPurpose } from '@countersign/contracts';

/** One delivery attempt as the notifier reported it: one entry per event, in stream order. */
export interface NotificationView {
  /** `slack:#data-approvals`, `slack:@U123`, `teams:<conversation>`, `webhook:<name>` or `callback`. */
  channel: string;
  purpose: NotificationPurpose;
  status: 'delivered' | 'failed';
  /** 1 for the first try. */
  attempt: number;
  /** When the outcome was recorded. */
  at: string;
  /** Why the attempt failed. */
  reason?: string;
  /** When the notifier tries again; absent on a failure when it gave up. */
  nextAttemptAt?: string;
  /** Where the message lives (e.g. Slack `{ channel, ts }`). */
  ref?: Record<string, string>;
  /** A message already sent, changed in place to show the outcome. */
  updated?: true;
}

/**
 * Delivery at a glance, so a client sees a channel that is down without reading every attempt.
 * The action stays approvable through the API and other channels whatever this says.
 */
export interface DeliveryView {
  delivered: number;
  failures: number;
  /** Channels whose latest attempt failed, in the order they last failed. */
  failing: string[];
  lastFailure?: NotificationView;
}

/** A fresh summary each time: views are plain documents a store may keep and change. */
export const noDelivery = (): DeliveryView => ({ delivered: 0, failures: 0, failing: [] });

type NotificationEvent = Extract<ActionEvent, { type: 'NotificationDelivered' | 'NotificationFailed' }>;

export function notificationOf(event: NotificationEvent): NotificationView {
  const { channel, purpose, attempt } = event.data;
  const common = { channel, purpose, attempt, at: event.occurredAt };
  if (event.type === 'NotificationFailed') {
    const { reason, nextAttemptAt } = event.data;
    return { ...common, status: 'failed', reason, ...(nextAttemptAt ? { nextAttemptAt } : {}) };
  }
  const { ref, updated } = event.data;
  return { ...common, status: 'delivered', ...(ref ? { ref } : {}), ...(updated ? { updated: true as const } : {}) };
}

/** The summary after one more attempt: a delivery on a channel clears it from `failing`. */
export function deliveryAfter(delivery: DeliveryView, notification: NotificationView): DeliveryView {
  const others = delivery.failing.filter((c) => c !== notification.channel);
  if (notification.status === 'delivered') {
    return { ...delivery, delivered: delivery.delivered + 1, failing: others };
  }
  return { ...delivery, failures: delivery.failures + 1, failing: [...others, notification.channel], lastFailure: notification };
}
