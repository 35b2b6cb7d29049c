import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Tokens the Bot Framework channel service signs say so in `iss`. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_FRAMEWORK_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
/** The Bot Framework allows five minutes of clock skew between the channel and the bot. */
const CLOCK_TOLERANCE_S = 300;

export interface BotAuthConfig {
  appId: string;
  openIdMetadataUrl: string;
}

/** Why a request was not let in: said to the operator log, never to the caller. */
export class BotAuthError extends Error {}
/** The Bot Framework's signing keys could not be had: nothing can be authenticated (503, retried by the channel). */
export class BotKeysUnavailable extends Error {}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Validates the JWT the Bot Framework puts on every activity it sends to the bot: RS256 signature
 * by a key from the JWKS named in the OpenID metadata, issuer, audience (our app id), expiry; and,
 * once the body is read, that the `serviceurl` claim is the service URL the activity asks us to
 * answer on (so a token cannot be replayed to make the bot talk to another endpoint).
 *
 * Written with jose rather than the Teams SDK: the SDK's validator sits inside its HTTP server
 * (not exported) and derives the keys URL from the metadata URL by string substitution instead
 * of reading the metadata. jose's remote key set caches keys and refetches on an unknown `kid`.
 */
export class BotFrameworkTokenValidator {
  private keys?: Promise<KeySet>;

  constructor(private readonly config: BotAuthConfig) {}

  /** The header alone: called before the body is read, so nobody unauthenticated gets it parsed. */
  async validate(authorization: string | undefined): Promise<JWTPayload> {
    const token = /^Bearer +([A-Za-z0-9._~+/=-]{1,8192}) *$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new BotAuthError(authorization ? 'Authorization is not a bearer token' : 'Authorization is missing');
    const keys = await this.keySet().catch((error: Error) => {
      throw new BotKeysUnavailable(`Bot Framework signing keys unavailable: ${error.message}`);
    });
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: BOT_FRAMEWORK_ISSUER,
        audience: this.config.appId,
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new BotKeysUnavailable(`Bot Framework signing keys unavailable: ${(error as Error).message}`);
      }
      throw new BotAuthError(`token refused: ${error.code} ${error.message}`);
    }
  }

  /** The token must have been issued for the service URL the activity would have us answer on. */
  checkServiceUrl(payload: JWTPayload, activityServiceUrl: string | undefined): void {
    const claimed = typeof payload.serviceurl === 'string' ? payload.serviceurl : undefined;
    if (claimed && activityServiceUrl && normalize(claimed) !== normalize(activityServiceUrl)) {
      throw new BotAuthError(`token refused: serviceurl claim ${claimed} is not the activity's ${activityServiceUrl}`);
    }
  }

  /** Reads the metadata once; a failure is not cached, so the next request tries again. */
  private keySet(): Promise<KeySet> {
    this.keys ??= this.loadKeySet().catch((error) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async loadKeySet(): Promise<KeySet> {
    const res = await fetch(this.config.openIdMetadataUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`Bot Framework OpenID metadata answered HTTP ${res.status}`);
    const metadata = (await res.json()) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('Bot Framework OpenID metadata has no jwks_uri');
    return createRemoteJWKSet(new URL(metadata.jwks_uri), { cacheMaxAge: 24 * 3600_000, cooldownDuration: 30_000 });
  }
}

const normalize = (url: string) => url.replace(/\/+$/, '').toLowerCase();
