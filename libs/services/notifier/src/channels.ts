import type { NotificationChannel } from './channel.port.ts';
import { configuredSlackChannels } from './slack/index.ts';
import { readTeamsConfig, teamsChannel } from './teams/index.ts';
import { createWebhookChannel } from './webhook/webhook-channel.ts';
import type { NotifierConfig } from './webhook/webhook-config.ts';

/**
 * The channel adapters this process can deliver to, by kind. Webhooks are always there (an
 * unconfigured name fails with the variable to set); Slack and Teams join when configured.
 */
export function configuredChannels(config: NotifierConfig): NotificationChannel[] {
  const teams = readTeamsConfig(process.env);
  return [createWebhookChannel(config.webhooks, { outbound: config.outbound }), ...configuredSlackChannels(process.env), ...(teams ? [teamsChannel(teams)] : [])];
}
