import type { Principal } from '@countersign/identity';
import { SLACK_ID_PATTERN } from './slack-payload.ts';

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
  /** The workspaces (`T…`) whose users may vote; clicks by anyone else are refused. */
  teamIds: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the Slack variables once, at start. Throws one line per mistake. */
export function readSlackSettings(env: Env = process.env): SlackSettings {
  const problems: string[] = [];
  const raw = env.COUNTERSIGN_SLACK_API_URL?.trim() || SLACK_API_URL;
  if (!/^https?:\/\/\S+$/.test(raw)) problems.push(`COUNTERSIGN_SLACK_API_URL: must be an http(s) URL (got ${JSON.stringify(raw)})`);
  const apiUrl = raw.endsWith('/') ? raw : `${raw}/`;
  const signingSecret = env.COUNTERSIGN_SLACK_SIGNING_SECRET?.trim();
  const botToken = env.COUNTERSIGN_SLACK_BOT_TOKEN?.trim();
  const teamIds = (env.COUNTERSIGN_SLACK_TEAM_ID ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const badTeams = teamIds.filter((t) => !SLACK_ID_PATTERN.test(t));
  if (badTeams.length > 0) problems.push(`COUNTERSIGN_SLACK_TEAM_ID: ${badTeams.map((t) => JSON.stringify(t.slice(0, 40))).join(', ')} is not a Slack workspace id (T followed by capitals and digits, e.g. T0123ABCD)`);
  if (signingSecret && teamIds.length === 0) {
    problems.push('COUNTERSIGN_SLACK_TEAM_ID: required with COUNTERSIGN_SLACK_SIGNING_SECRET: the id of each Slack workspace whose users may approve (T…, comma-separated)');
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return {
    ...(signingSecret ? { signingSecret } : {}),
    ...(botToken ? { botToken } : {}),
    apiUrl,
    responseOrigins: [...new Set([SLACK_RESPONSE_ORIGIN, new URL(apiUrl).origin])],
    teamIds,
  };
}

/** `slack:<team>:<user>`: a Slack identity bound to its workspace. */
export const QUALIFIED_SLACK_IDENTITY = /^slack:([A-Z0-9]{2,32}):([A-Z0-9]{2,32})$/;

/**
 * Workspace-qualified identities must name a workspace the gateway accepts, or they could never
 * vote: said at start rather than discovered by a puzzled approver.
 */
export function slackIdentityProblems(settings: SlackSettings, principals: readonly Principal[]): string[] {
  if (!settings.signingSecret) return [];
  return principals.flatMap((p) => p.identities.flatMap((identity) => {
    const team = QUALIFIED_SLACK_IDENTITY.exec(identity)?.[1];
    return team && !settings.teamIds.includes(team)
      ? [`principal ${p.id}: identity ${identity} names Slack workspace ${team}, which COUNTERSIGN_SLACK_TEAM_ID does not list`]
      : [];
  }));
}
