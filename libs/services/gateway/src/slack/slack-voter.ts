import type { Directory, Principal } from '@countersign/identity';
import type { SlackUser } from './slack-payload.ts';

/** Who a Slack user is to Countersign. */
export type SlackVoter =
  | { kind: 'linked'; principal: Principal; identity: string }
  /** A user of a workspace COUNTERSIGN_SLACK_TEAM_ID does not list: never mapped to anyone. */
  | { kind: 'foreign-team'; teamId: string }
  | { kind: 'not-linked'; identity: string };

/**
 * Maps a Slack user to a principal. Only users of the configured workspaces are considered; then
 * `slack:<team>:<user>` (bound to the workspace) is looked up first, then `slack:<user>` (the form
 * principals files used before workspaces were checked, meaning a user of a configured workspace).
 */
export function slackVoter(directory: Pick<Directory, 'byIdentity'>, teamIds: readonly string[], user: SlackUser): SlackVoter {
  if (!teamIds.includes(user.teamId)) return { kind: 'foreign-team', teamId: user.teamId };
  for (const identity of [`slack:${user.teamId}:${user.id}`, `slack:${user.id}`]) {
    const principal = directory.byIdentity(identity);
    if (principal) return { kind: 'linked', principal, identity };
  }
  return { kind: 'not-linked', identity: `slack:${user.teamId}:${user.id}` };
}
