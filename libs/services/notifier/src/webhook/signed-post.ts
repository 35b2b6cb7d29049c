import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { NotificationPurpose } from '@countersign/contracts';
import { DeliveryError, isRetryableStatus, type ApprovalMessage } from '../channel.port.ts';

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
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * POSTs a Standard Webhooks message. Anything but a 2xx throws a DeliveryError: retryable for 5xx,
 * 429, timeouts and network errors; not for other answers (a 4xx will not heal by itself).
 */
export async function postSigned({ url, payload, msgId, secret, timeoutMs = WEBHOOK_TIMEOUT_MS, now = () => new Date() }: SignedPost): Promise<void> {
  const body = JSON.stringify(payload);
  const at = now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'countersign-notifier',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, at, body),
  };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') throw new DeliveryError(`no answer from ${origin(url)} within ${timeoutMs} ms`, true);
    throw new DeliveryError(`could not reach ${origin(url)}: ${e.cause?.code ?? e.cause?.message ?? e.message}`, true);
  }
  // The body is of no use, but reading it lets the connection be reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return;
  throw new DeliveryError(`${origin(url)} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, isRetryableStatus(res.status));
}

/** Scheme, host and port only: paths and queries may carry tokens that logs must not show. */
export function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
