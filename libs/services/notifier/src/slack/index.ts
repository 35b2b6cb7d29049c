import type { NotificationChannel } from '../channel.port.ts';
import { slackChannel } from './slack-channel.ts';
import { readSlackConfig } from './slack-config.ts';

export { SlackChannel, slackChannel, toDeliveryError } from './slack-channel.ts';
export { readSlackConfig, SLACK_API_URL, type SlackConfig } from './slack-config.ts';
export {
  APPROVE_ACTION_ID, DENY_ACTION_ID, OPEN_ACTION_ID, SLACK_LIMITS, VOTE_BLOCK_ID, escapeMrkdwn, outcomeBlocks, requestBlocks, slackMessage,
  type SlackMessageBody,
} from './slack-blocks.ts';

/** The Slack adapter when COUNTERSIGN_SLACK_BOT_TOKEN is set; none otherwise. */
export function configuredSlackChannels(env: Readonly<Record<string, string | undefined>> = process.env): NotificationChannel[] {
  const config = readSlackConfig(env);
  return config ? [slackChannel(config)] : [];
}
