export * from './notifier.module.ts';
export { NotifierService, NOTIFIER_GROUP, NOTIFIER_CONFIG } from './notifier.service.ts';
export { consoleMessage } from './console-message.ts';
export { DeliveryError, NOTIFICATION_CHANNELS, type ApprovalMessage, type NotificationChannel } from './channel.port.ts';
export { readNotifierConfig, webhookEnvName, type NotifierConfig, type WebhookTarget } from './webhook/webhook-config.ts';
export { createWebhookChannel, createCallbackSender } from './webhook/webhook-channel.ts';
export { webhookEventType, webhookMessageId, type WebhookPayload, type WebhookEventType } from './webhook/signed-post.ts';
export { configuredSlackChannels, readSlackConfig, slackChannel, SlackChannel, type SlackConfig } from './slack/index.ts';
export { readTeamsConfig, teamsChannel, type TeamsConfig } from './teams/index.ts';
