import { callbackUrlProblem, NO_OUTBOUND_ALLOW, type OutboundAllow } from '@countersign/contracts';
import { DeliveryError, type ApprovalMessage, type NotificationChannel } from '../channel.port.ts';
import type { Resolver } from './outbound-post.ts';
import { postSigned, webhookEventType, webhookMessageId } from './signed-post.ts';
import { webhookEnvName, type WebhookTarget } from './webhook-config.ts';

export interface WebhookChannelOptions {
  /** Private and loopback destinations allowed (COUNTERSIGN_OUTBOUND_ALLOW); none by default. */
  outbound?: OutboundAllow;
  timeoutMs?: number;
  now?: () => Date;
  resolve?: Resolver;
}

const postOptions = ({ outbound, ...rest }: WebhookChannelOptions) => ({ allow: outbound ?? NO_OUTBOUND_ALLOW, ...rest });

/**
 * `webhook:<name>`: a signed POST of `{ type, data: ApprovalMessage }` to the URL configured for
 * <name>. Webhooks cannot be changed once sent, so there is no `update`: the notifier sends an
 * `action.decided` message instead.
 */
export function createWebhookChannel(targets: ReadonlyMap<string, WebhookTarget>, options: WebhookChannelOptions = {}): NotificationChannel {
  return {
    kind: 'webhook',
    async send(address: string, message: ApprovalMessage) {
      const envName = webhookEnvName(address);
      const target = targets.get(envName);
      if (!target) {
        throw new DeliveryError(`webhook "${address}" is not configured (set COUNTERSIGN_WEBHOOK_${envName}_URL and COUNTERSIGN_WEBHOOK_${envName}_SECRET)`, false);
      }
      await postSigned({
        url: target.url,
        secret: target.secret,
        payload: { type: webhookEventType(message.purpose), data: message },
        msgId: webhookMessageId(message.actionId, message.purpose, `webhook:${address}`),
        ...postOptions(options),
      });
      return undefined;
    },
  };
}

/**
 * Calls the requester back when its action is decided: signed like webhooks, with its own secret,
 * to a URL checked again as at proposal time and then by every address its host resolves to.
 */
export function createCallbackSender(secret: string | undefined, options: WebhookChannelOptions = {}) {
  const post = postOptions(options);
  return {
    async send(url: string, message: ApprovalMessage): Promise<void> {
      if (!secret) throw new DeliveryError('no callback secret configured (COUNTERSIGN_CALLBACK_SECRET)', false);
      const problem = callbackUrlProblem(url, post.allow);
      if (problem) throw new DeliveryError(`the callback URL ${problem}`, false);
      await postSigned({ url, secret, payload: { type: 'action.decided', data: message }, msgId: webhookMessageId(message.actionId, 'callback', 'callback'), ...post });
    },
  };
}

export type CallbackSender = ReturnType<typeof createCallbackSender>;
