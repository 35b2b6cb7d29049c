/** Where Teams' Bot Connector lives for bots in the public cloud; a reply's serviceUrl may differ. */
export const TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';
/** The Bot Framework's OAuth scope: a token for it lets the bot call the Bot Connector. */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

export interface TeamsConfig {
  /** The bot's Microsoft App ID (Entra application client id). */
  appId: string;
  /** The bot's client secret: never logged. */
  appPassword: string;
  /** Single-tenant bots get their tokens from their own tenant; multi-tenant ones from botframework.com. */
  tenantId?: string;
  /** Base URL of the Bot Connector (`…/teams/`), where new conversations' messages are posted. */
  serviceUrl: string;
  /** OAuth 2.0 token endpoint for the client-credentials grant. */
  tokenUrl: string;
  /** Per-request timeout; the notifier retries, so one slow call must not hold a delivery for long. */
  timeoutMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const httpUrl = (name: string, raw: string): string => {
  if (!/^https?:\/\/\S+$/.test(raw)) throw new Error(`${name}: must be an http(s) URL (got ${JSON.stringify(raw)})`);
  return raw;
};

/** The token endpoint Entra ID serves for the bot's tenant (`botframework.com` for multi-tenant bots). */
export function defaultTokenUrl(tenantId: string | undefined): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenantId ?? 'botframework.com')}/oauth2/v2.0/token`;
}

/**
 * The Teams adapter's settings, or undefined when no app id is configured (Teams is then off).
 * An app id without a password is a mistake worth stopping for, not a silent "off".
 */
export function readTeamsConfig(env: Env = process.env): TeamsConfig | undefined {
  const appId = env.COUNTERSIGN_TEAMS_APP_ID?.trim();
  if (!appId) return undefined;
  const appPassword = env.COUNTERSIGN_TEAMS_APP_PASSWORD?.trim();
  if (!appPassword) throw new Error('COUNTERSIGN_TEAMS_APP_PASSWORD: is required when COUNTERSIGN_TEAMS_APP_ID is set');
  const tenantId = env.COUNTERSIGN_TEAMS_TENANT_ID?.trim() || undefined;
  const serviceUrl = httpUrl('COUNTERSIGN_TEAMS_SERVICE_URL', env.COUNTERSIGN_TEAMS_SERVICE_URL?.trim() || TEAMS_SERVICE_URL);
  const tokenUrl = httpUrl('COUNTERSIGN_TEAMS_TOKEN_URL', env.COUNTERSIGN_TEAMS_TOKEN_URL?.trim() || defaultTokenUrl(tenantId));
  return { appId, appPassword, ...(tenantId ? { tenantId } : {}), serviceUrl, tokenUrl };
}
