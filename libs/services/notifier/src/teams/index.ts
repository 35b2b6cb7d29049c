import type { NotificationChannel } from '../channel.port.ts';
import { TeamsChannel } from './teams-channel.ts';
import type { TeamsConfig } from './teams-config.ts';

/** The Teams adapter for the notifier: `teamsChannel(readTeamsConfig())` when that is defined. */
export function teamsChannel(config: TeamsConfig): NotificationChannel {
  return new TeamsChannel(config);
}

export { TeamsChannel, type TeamsMessageRef } from './teams-channel.ts';
export { readTeamsConfig, defaultTokenUrl, TEAMS_SERVICE_URL, BOT_FRAMEWORK_SCOPE, type TeamsConfig } from './teams-config.ts';
export { approvalCard, outcomeCard, VERBS, REASON_INPUT, CARD_VERSION } from './approval-card.ts';
