import type { Provider } from '@nestjs/common';
import { SlackInteractionsController } from './slack-interactions.controller.ts';
import { SlackInteractions } from './slack-interactions.service.ts';
import { SlackResponder } from './slack-responder.ts';
import { readSlackSettings, SLACK_SETTINGS } from './slack-settings.ts';

export { SLACK_INTERACTIONS_PATH } from './slack-interactions.controller.ts';
export { slackSignature, verifySlackSignature } from './slack-signature.ts';

/** What the gateway module registers for Slack interactivity. Settings come from the environment. */
export const SLACK_CONTROLLERS = [SlackInteractionsController];
export const SLACK_PROVIDERS: Provider[] = [
  { provide: SLACK_SETTINGS, useFactory: () => readSlackSettings(process.env) },
  SlackResponder,
  SlackInteractions,
];
