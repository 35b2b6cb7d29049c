/** Slack's Web API, unless COUNTERSIGN_SLACK_API_URL points elsewhere (a proxy, or a local fake in tests). */
export const SLACK_API_URL = 'https://slack.com/api/';

export interface SlackConfig {
  /** Bot token (`xoxb-…`): never logged. */
  botToken: string;
  /** Base URL of the Web API, ending with `/`. */
  apiUrl: string;
  /** Per-request timeout; the notifier retries, so one slow call must not hold a delivery for long. */
  timeoutMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The Slack adapter's settings, or undefined when no bot token is configured (Slack is then off). */
export function readSlackConfig(env: Env = process.env): SlackConfig | undefined {
  const botToken = env.COUNTERSIGN_SLACK_BOT_TOKEN?.trim();
  if (!botToken) return undefined;
  const apiUrl = env.COUNTERSIGN_SLACK_API_URL?.trim() || SLACK_API_URL;
  if (!/^https?:\/\/\S+$/.test(apiUrl)) throw new Error(`COUNTERSIGN_SLACK_API_URL: must be an http(s) URL (got ${JSON.stringify(apiUrl)})`);
  return { botToken, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` };
}
