/** Where Slack's interactivity Request URL points. */
export const SLACK_INTERACTIONS_PATH = '/v1/integrations/slack/interactions';
/** The Teams bot's messaging endpoint (the Azure Bot resource's "Messaging endpoint"). */
export const TEAMS_MESSAGES_PATH = '/v1/integrations/teams/messages';

const OWN_BODY_PATHS = new Set([SLACK_INTERACTIONS_PATH, TEAMS_MESSAGES_PATH].map((p) => p.toLowerCase()));

/**
 * True for the chat endpoints, which authenticate a request (Slack's signature, the Bot
 * Framework's JWT) before reading its body themselves: configureHttp's parsers leave them alone.
 * Matched as Express routes them: case-insensitively, with or without one trailing slash.
 */
export function readsOwnBody(path: string): boolean {
  return OWN_BODY_PATHS.has(path.toLowerCase().replace(/\/$/, ''));
}
