import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { NotificationPurpose, OutboundAllow } from '@countersign/contracts';
import type { ApprovalMessage } from '../channel.port.ts';
import { postOutbound, type Resolver } from './outbound-post.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;

export type WebhookEventType = 'approval.requested' | 'approval.escalated' | 'action.decided';

export interface WebhookPayload {
  type: WebhookEventType;
  data: ApprovalMessage;
}

export function webhookEventType(purpose: NotificationPurpose): WebhookEventType {
  switch (purpose) {
    case 'request':
      return 'approval.requested';
    case 'escalation':
      return 'approval.escalated';
    case 'decision':
    case 'callback':
      return 'action.decided';
    default: {
      const unknown: never = purpose;
      throw new Error(`notifier: unknown purpose "${String(unknown)}"`);
    }
  }
}

/**
 * The `webhook-id` of a message: the same for every attempt (and after a restart), so receivers
 * can drop duplicates as the Standard Webhooks specification recommends.
 */
export function webhookMessageId(actionId: string, purpose: NotificationPurpose, target: string): string {
  return `msg_${createHash('sha256').update(`${actionId}\n${purpose}\n${target}`).digest('hex').slice(0, 32)}`;
}

export interface SignedPost {
  url: string;
  payload: WebhookPayload;
  msgId: string;
  secret: string;
  /** Private and loopback destinations this installation allows (COUNTERSIGN_OUTBOUND_ALLOW). */
  allow: OutboundAllow;
  timeoutMs?: number;
  now?: () => Date;
  /** DNS, replaceable in tests. */
  resolve?: Resolver;
}

/**
 * POSTs a Standard Webhooks message to a checked address (see postOutbound). Anything but a 2xx
 * throws a DeliveryError: retryable for 5xx, 429, timeouts and network errors; not for other
 * answers (a 4xx will not heal by itself) nor for a destination the allowlist does not allow.
 */
export async function postSigned({ url, payload, msgId, secret, allow, timeoutMs = WEBHOOK_TIMEOUT_MS, now = () => new Date(), resolve }: SignedPost): Promise<void> {
  const body = JSON.stringify(payload);
  const at = now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'countersign-notifier',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, at, body),
  };
  await postOutbound({ url, headers, body, allow, timeoutMs, ...(resolve ? { resolve } : {}) });
}

export { origin } from './outbound-post.ts';
