import type { Provider } from '@nestjs/common';
import { BOT_FRAMEWORK_OPENID_METADATA_URL, BotFrameworkTokenValidator, type BotAuthConfig } from './bot-framework-auth.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What the gateway needs to authenticate Teams: the bot's app id (the audience of the channel's
 * tokens) and where the Bot Framework publishes its signing keys. Undefined when Teams is off.
 * The app password belongs to the notifier, which sends; the gateway only receives.
 */
export function readTeamsGatewayConfig(env: Env = process.env): BotAuthConfig | undefined {
  const appId = env.COUNTERSIGN_TEAMS_APP_ID?.trim();
  if (!appId) return undefined;
  const openIdMetadataUrl = env.COUNTERSIGN_TEAMS_OPENID_METADATA_URL?.trim() || BOT_FRAMEWORK_OPENID_METADATA_URL;
  if (!/^https?:\/\/\S+$/.test(openIdMetadataUrl)) {
    throw new Error(`COUNTERSIGN_TEAMS_OPENID_METADATA_URL: must be an http(s) URL (got ${JSON.stringify(openIdMetadataUrl)})`);
  }
  return { appId, openIdMetadataUrl };
}

export const TEAMS_AUTH = Symbol('TEAMS_AUTH');

/** How the gateway authenticates Teams, built once at start; no validator when Teams is off. */
export interface TeamsAuth {
  validator?: BotFrameworkTokenValidator;
}

export const teamsAuthProvider: Provider = {
  provide: TEAMS_AUTH,
  useFactory: (): TeamsAuth => {
    const config = readTeamsGatewayConfig(process.env);
    return config ? { validator: new BotFrameworkTokenValidator(config) } : {};
  },
};
