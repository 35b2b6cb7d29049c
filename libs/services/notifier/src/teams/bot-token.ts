import { DeliveryError } from '../channel.port.ts';
import { BOT_FRAMEWORK_SCOPE, type TeamsConfig } from './teams-config.ts';

/** Renew a minute early: a token that expires in flight makes the Connector answer 401. */
const EARLY_RENEWAL_MS = 60_000;

export type BotTokenSource = () => Promise<string>;

/**
 * The bot's outbound credential: an OAuth 2.0 client-credentials grant for the Bot Framework scope,
 * cached until shortly before it expires. Done here with one form POST rather than MSAL, because
 * MSAL refuses authorities that are not https, and tests point the token endpoint at a local fake.
 */
export function botTokenSource(config: Pick<TeamsConfig, 'appId' | 'appPassword' | 'tokenUrl'>, now: () => number = Date.now): BotTokenSource {
  let cached: { token: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: config.appId,
          client_secret: config.appPassword,
          scope: BOT_FRAMEWORK_SCOPE,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DeliveryError(`Teams token endpoint unreachable: ${(error as Error).message}`, true);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!res.ok || typeof body.access_token !== 'string') {
      // The error code (invalid_client, unauthorized_client) says what is wrong; the body may echo ids, never the secret.
      const code = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      throw new DeliveryError(`Teams token request refused: ${code}`, res.status === 429 || res.status >= 500);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in) || 3600) * 1000;
    cached = { token: body.access_token, renewAt: now() + Math.max(lifetimeMs - EARLY_RENEWAL_MS, 0) };
    return body.access_token;
  };
  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    inflight ??= fetchToken().finally(() => (inflight = undefined));
    return inflight;
  };
}
