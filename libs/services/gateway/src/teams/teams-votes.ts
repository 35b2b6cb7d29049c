import { v5 as uuidv5 } from 'uuid';
import type { TeamsVoteClick } from './teams-activity.ts';

/** Namespace of the command ids derived from Teams activity ids (any fixed UUID would do). */
const TEAMS_COMMAND_NAMESPACE = '6f1c2b7e-3c1a-4f7e-9d1e-7a2f0c5b8e41';

/**
 * The same click delivered twice (a retry by Teams, or a replayed request) yields the same command
 * id, and the router applies a command id once: a replay can never count as a second vote.
 */
export function teamsCommandId(click: Pick<TeamsVoteClick, 'activityId' | 'actionId'>): string {
  return uuidv5(`teams:${click.actionId}:${click.activityId}`, TEAMS_COMMAND_NAMESPACE);
}
