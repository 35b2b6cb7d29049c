import {
  WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient, LogLevel, type Logger,
} from '@slack/web-api';
import { DeliveryError, isRetryableStatus, type ApprovalMessage, type NotificationChannel } from '../channel.port.ts';
import { slackMessage } from './slack-blocks.ts';
import type { SlackConfig } from './slack-config.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Platform errors worth another try later; anything else (bad channel, bad token) will not heal itself. */
const RETRYABLE_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The Web API client's own log lines, without request bodies or headers (which hold the token). */
const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** Turns whatever the Web API client threw into a DeliveryError that says whether retrying can help. */
export function toDeliveryError(method: string, error: unknown): DeliveryError {
  if (error instanceof WebAPIRateLimitedError) return new DeliveryError(`slack ${method}: rate limited (retry after ${error.retryAfter} s)`, true);
  if (error instanceof WebAPIHTTPError) return new DeliveryError(`slack ${method}: HTTP ${error.statusCode}`, isRetryableStatus(error.statusCode));
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return new DeliveryError(`slack ${method}: ${code}`, RETRYABLE_PLATFORM_ERRORS.has(code));
  }
  if (error instanceof WebAPIRequestError) return new DeliveryError(`slack ${method}: ${error.original?.message ?? error.message}`, true);
  if (error instanceof DeliveryError) return error;
  return new DeliveryError(`slack ${method}: ${(error as Error)?.message ?? String(error)}`, true);
}

/**
 * Posts approval requests as interactive Block Kit messages and updates them in place once the
 * action is decided. `#channel` (or a channel id) posts to the channel; `@U123` to a DM with that user.
 */
export class SlackChannel implements NotificationChannel {
  readonly kind = 'slack';
  private readonly client: WebClient;

  constructor(config: SlackConfig, client?: WebClient) {
    // No retries and no waiting on rate limits here: the notifier records each failed attempt
    // (NotificationFailed) and schedules the next one itself.
    this.client = client ?? new WebClient(config.botToken, {
      slackApiUrl: config.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      logger: quietLogger,
    });
  }

  async send(address: string, message: ApprovalMessage): Promise<Record<string, string>> {
    const channel = await this.resolve(address);
    const body = slackMessage(message);
    const result = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text: body.text, blocks: body.blocks, unfurl_links: false }));
    if (!result.channel || !result.ts) throw new DeliveryError('slack chat.postMessage: no channel or ts in the answer', true);
    return { channel: result.channel, ts: result.ts };
  }

  async update(ref: Record<string, string>, message: ApprovalMessage): Promise<void> {
    if (!ref.channel || !ref.ts) throw new DeliveryError('slack chat.update: the message reference lacks channel or ts', false);
    const body = slackMessage(message);
    await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: body.text, blocks: body.blocks }));
  }

  /** `@U123` is a user: a DM needs its conversation id first. Anything else is a channel as given. */
  private async resolve(address: string): Promise<string> {
    const target = address.trim();
    if (!target) throw new DeliveryError('slack: empty address', false);
    if (!target.startsWith('@')) return target;
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: target.slice(1) }));
    if (!opened.channel?.id) throw new DeliveryError('slack conversations.open: no channel id in the answer', true);
    return opened.channel.id;
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDeliveryError(method, error);
    }
  }
}

/** The Slack adapter for the notifier's channel list. */
export function slackChannel(config: SlackConfig): NotificationChannel {
  return new SlackChannel(config);
}
