import { rawPublicUrl, readSessionSettings, readSsoConfig, sessionCapableUrl, type Env, type SessionSettings, type SsoConfig } from './sso-config.ts';

/**
 * How people sign in to the console, read once at start (docs/sign-in.md): OpenID Connect when an
 * issuer is set, an API key when COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN allows it, either, or neither
 * (then there are no sessions at all and /auth/login answers 404).
 */
export interface SignInConfig {
  /** Cookies, public URL and lifetimes, shared by both ways in. */
  sessions: SessionSettings;
  /** Single sign-on; absent when COUNTERSIGN_OIDC_ISSUER is unset. */
  oidc?: SsoConfig;
  /** A human principal may sign in with one of its API keys (`/auth/api-key`). */
  apiKey: boolean;
}

export const SIGN_IN_CONFIG = Symbol('SIGN_IN_CONFIG');

const VARIABLE = 'COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN';

/**
 * Reads the sign-in variables; throws one line per mistake, each naming its variable. API-key
 * sign-in defaults to on exactly when no issuer is set (the demo's quick start) and the public URL
 * can carry session cookies (https, or http on a loopback host); `on` or `off` says so outright,
 * and `on` with a public URL that cannot carry cookies is a mistake.
 */
export function readSignInConfig(env: Env): SignInConfig | undefined {
  const problems: string[] = [];
  let oidc: SsoConfig | undefined;
  try {
    oidc = readSsoConfig(env);
  } catch (error) {
    problems.push(...(error as Error).message.split('\n'));
  }
  const raw = env[VARIABLE]?.trim().toLowerCase() ?? '';
  if (raw !== '' && raw !== 'on' && raw !== 'off') problems.push(`${VARIABLE}: must be on or off (got ${JSON.stringify(raw.slice(0, 40))})`);
  const issuerSet = Boolean(env.COUNTERSIGN_OIDC_ISSUER?.trim());
  const apiKey = raw === 'on' || (raw === '' && !issuerSet && sessionCapableUrl(rawPublicUrl(env)) !== undefined);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  if (oidc) return { sessions: sessionPart(oidc), oidc, apiKey };
  if (!apiKey) return undefined;
  const sessions = readSessionSettings(env, problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { sessions, apiKey };
}

const sessionPart = ({ publicUrl, secureCookies, sessionTtlMs, idleTtlMs }: SessionSettings): SessionSettings => ({ publicUrl, secureCookies, sessionTtlMs, idleTtlMs });
