import type { Provider } from '@nestjs/common';
import { SlackInteractionsController } from './slack-interactions.controller.ts';
import { SlackInteractions } from './slack-interactions.service.ts';
import { SlackResponder } from './slack-responder.ts';
import { readSlackSettings, SLACK_SETTINGS } from './slack-settings.ts';

export { slackSignature, verifySlackSignature } from './slack-signature.ts';
export { readSlackSettings, slackIdentityProblems } from './slack-settings.ts';

/** What the gateway module registers for Slack interactivity. Settings are read from the environment once, at start. */
export const SLACK_CONTROLLERS = [SlackInteractionsController];
export const SLACK_PROVIDERS: Provider[] = [
  { provide: SLACK_SETTINGS, useFactory: () => readSlackSettings(process.env) },
  SlackResponder,
  SlackInteractions,
];
