/** Slack's Web API, unless COUNTERSIGN_SLACK_API_URL points elsewhere (a proxy, or a local fake in tests). */
export const SLACK_API_URL = 'https://slack.com/api/';
/** Where Slack's response_url values live; anything else is not Slack asking to be answered. */
const SLACK_RESPONSE_ORIGIN = 'https://hooks.slack.com';

export const SLACK_SETTINGS = Symbol('SLACK_SETTINGS');

export interface SlackSettings {
  /** Verifies inbound requests; without it the interactivity endpoint is off (404). Never logged. */
  signingSecret?: string;
  /** Opens the deny modal (views.open). Never logged. */
  botToken?: string;
  apiUrl: string;
  /** Origins a payload's response_url may point at: Slack's, and the configured API's. */
  responseOrigins: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

export function readSlackSettings(env: Env = process.env): SlackSettings {
  const raw = env.COUNTERSIGN_SLACK_API_URL?.trim() || SLACK_API_URL;
  if (!/^https?:\/\/\S+$/.test(raw)) throw new Error(`COUNTERSIGN_SLACK_API_URL: must be an http(s) URL (got ${JSON.stringify(raw)})`);
  const apiUrl = raw.endsWith('/') ? raw : `${raw}/`;
  const signingSecret = env.COUNTERSIGN_SLACK_SIGNING_SECRET?.trim();
  const botToken = env.COUNTERSIGN_SLACK_BOT_TOKEN?.trim();
  return {
    ...(signingSecret ? { signingSecret } : {}),
    ...(botToken ? { botToken } : {}),
    apiUrl,
    responseOrigins: [...new Set([SLACK_RESPONSE_ORIGIN, new URL(apiUrl).origin])],
  };
}
