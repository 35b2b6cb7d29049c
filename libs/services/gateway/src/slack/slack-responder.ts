import { Inject, Injectable, Logger } from '@nestjs/common';
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { SLACK_SETTINGS, type SlackSettings } from './slack-settings.ts';

const TIMEOUT_MS = 5_000;

const silent: SlackLogger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
  setLevel: () => undefined, getLevel: () => LogLevel.ERROR, setName: () => undefined,
};

/** What the gateway says back to Slack users: ephemeral replies and the deny modal. */
@Injectable()
export class SlackResponder {
  private readonly logger = new Logger('gateway.slack');
  private readonly client?: WebClient;

  constructor(@Inject(SLACK_SETTINGS) private readonly settings: SlackSettings) {
    if (settings.botToken) {
      this.client = new WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, retryConfig: { retries: 1 }, timeout: TIMEOUT_MS, logger: silent });
    }
  }

  /** A message only the clicking user sees, posted to the payload's response_url. */
  async ephemeral(responseUrl: string | undefined, text: string): Promise<void> {
    if (!responseUrl) return void this.logger.warn(`no response_url to tell the Slack user: ${text}`);
    if (!this.settings.responseOrigins.some((origin) => responseUrl.startsWith(`${origin}/`))) {
      return void this.logger.warn('refused to post to a response_url outside Slack');
    }
    try {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) this.logger.warn(`Slack response_url answered ${res.status}`);
    } catch (error) {
      this.logger.warn(`Slack response_url unreachable: ${(error as Error).message}`);
    }
  }

  /** Opens a modal for the user who clicked (trigger ids live 3 seconds). False when it could not. */
  async openModal(triggerId: string | undefined, view: Record<string, unknown>): Promise<boolean> {
    if (!this.client || !triggerId) {
      this.logger.warn(triggerId ? 'COUNTERSIGN_SLACK_BOT_TOKEN is not set: cannot open the deny form' : 'no trigger_id to open the deny form');
      return false;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the view is built and checked by denyModal
      await this.client.views.open({ trigger_id: triggerId, view: view as any });
      return true;
    } catch (error) {
      this.logger.warn(`views.open failed: ${(error as Error).message}`);
      return false;
    }
  }
}
