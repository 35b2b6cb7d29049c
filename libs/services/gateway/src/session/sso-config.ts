export type Env = Readonly<Record<string, string | undefined>>;

/** How console sessions work, whichever way people sign in (OpenID Connect or an API key). */
export interface SessionSettings {
  /** The gateway's external base URL (COUNTERSIGN_PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Cookies are `Secure` (and the session cookie `__Host-` prefixed) when the public URL is https. */
  secureCookies: boolean;
  /** Absolute lifetime of a session from sign-in. */
  sessionTtlMs: number;
  /** A session unused this long is over. */
  idleTtlMs: number;
}

/** The console's single sign-on settings, read once at start; undefined when no issuer is set (SSO off). */
export interface SsoConfig extends SessionSettings {
  issuer: URL;
  clientId: string;
  /** Absent: a public client (PKCE only, token endpoint auth `none`). Never logged. */
  clientSecret?: string;
  scopes: string[];
  /** The top-level ID token claim holding the user's IdP groups (a name, dots included: Auth0 uses URLs). */
  groupsClaim: string;
  /** `<public url>/auth/callback`: register it at the IdP. */
  redirectUri: string;
}

export const SSO_CONFIG = Symbol('SSO_CONFIG');
export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];
const MINUTE = 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `30s`, `15m`, `8h`: a whole number and a unit, within bounds; undefined otherwise. */
export function parseSessionDuration(raw: string, minMs: number, maxMs: number): number | undefined {
  const match = /^([0-9]{1,6})(s|m|h)$/.exec(raw);
  if (!match) return undefined;
  const ms = Number(match[1]) * { s: 1000, m: MINUTE, h: 60 * MINUTE }[match[2] as 's' | 'm' | 'h'];
  return ms >= minMs && ms <= maxMs ? ms : undefined;
}

/** http only on a loopback host (a test or development IdP); https anywhere. */
export function webUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    if (url.username || url.password || url.hash) return undefined;
    if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  } catch {
    /* not a URL */
  }
  return undefined;
}

/**
 * Reads the sign-in variables. Throws one line per mistake, each naming its variable, so the shell
 * stops the process before it listens (gateway-config.ts).
 */
export function readSsoConfig(env: Env): SsoConfig | undefined {
  const rawIssuer = env.COUNTERSIGN_OIDC_ISSUER?.trim();
  if (!rawIssuer) return undefined;
  const problems: string[] = [];
  const issuer = webUrl(rawIssuer);
  if (!issuer) problems.push(`COUNTERSIGN_OIDC_ISSUER: must be an https:// URL (http:// only on 127.0.0.1, localhost or [::1]) without credentials (got ${JSON.stringify(rawIssuer.slice(0, 200))})`);
  const clientId = env.COUNTERSIGN_OIDC_CLIENT_ID?.trim() ?? '';
  if (!/^[\x21-\x7e]{1,256}$/.test(clientId)) problems.push('COUNTERSIGN_OIDC_CLIENT_ID: required with COUNTERSIGN_OIDC_ISSUER: the client id the IdP gave the console (printable, no spaces)');
  const clientSecret = env.COUNTERSIGN_OIDC_CLIENT_SECRET?.trim() || undefined;
  if (clientSecret !== undefined && !/^[\x21-\x7e]{1,1024}$/.test(clientSecret)) problems.push('COUNTERSIGN_OIDC_CLIENT_SECRET: must be printable characters without spaces (leave it unset for a public client)');
  const scopes = env.COUNTERSIGN_OIDC_SCOPES?.trim() ? env.COUNTERSIGN_OIDC_SCOPES.trim().split(/\s+/) : DEFAULT_SCOPES;
  if (!scopes.includes('openid') || !scopes.every((s) => /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(s))) {
    problems.push(`COUNTERSIGN_OIDC_SCOPES: must be space-separated scopes including openid, e.g. "openid email profile groups" (got ${JSON.stringify(scopes.join(' ').slice(0, 200))})`);
  }
  const groupsClaim = env.COUNTERSIGN_OIDC_GROUPS_CLAIM?.trim() || 'groups';
  if (!/^[\x21-\x7e]{1,256}$/.test(groupsClaim)) problems.push('COUNTERSIGN_OIDC_GROUPS_CLAIM: must be a claim name without spaces (default groups)');
  const session = readSessionSettings(env, problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { issuer: issuer!, clientId, ...(clientSecret ? { clientSecret } : {}), scopes, groupsClaim, ...session, redirectUri: `${session.publicUrl}/auth/callback` };
}

/** The public URL the gateway's sessions are bound to: `http://localhost:<PORT>` when unset. */
// PORT's default is the shell's (8080, libs/platform/config): the quick start's URL is the public one.
export const rawPublicUrl = (env: Env): string => env.COUNTERSIGN_PUBLIC_URL?.trim() || `http://localhost:${env.PORT?.trim() || '8080'}`;

/** True when the public URL can carry session cookies: an https origin, or http on a loopback host. */
export function sessionCapableUrl(raw: string): URL | undefined {
  const url = webUrl(raw);
  return url && (url.pathname === '/' || url.pathname === '') && !url.search ? url : undefined;
}

/** The session settings (public URL, lifetimes); each mistake is pushed onto `problems`, naming its variable. */
export function readSessionSettings(env: Env, problems: string[]): SessionSettings {
  const rawPublic = rawPublicUrl(env);
  const publicUrl = sessionCapableUrl(rawPublic);
  if (!publicUrl) {
    problems.push(`COUNTERSIGN_PUBLIC_URL: with sign-in on, must be the gateway's https:// origin (http:// only on a loopback host), without a path (got ${JSON.stringify(rawPublic.slice(0, 200))})`);
  }
  const sessionTtlMs = duration(env, 'COUNTERSIGN_SESSION_TTL', '8h', 5 * MINUTE, 24 * 60 * MINUTE, 'from 5m to 24h', problems);
  const idleTtlMs = duration(env, 'COUNTERSIGN_SESSION_IDLE_TTL', '1h', MINUTE, 24 * 60 * MINUTE, 'from 1m to 24h', problems);
  return { publicUrl: publicUrl?.origin ?? '', secureCookies: publicUrl?.protocol === 'https:', sessionTtlMs, idleTtlMs: Math.min(idleTtlMs, sessionTtlMs) };
}

function duration(env: Env, name: string, fallback: string, min: number, max: number, range: string, problems: string[]): number {
  const raw = env[name]?.trim() || fallback;
  const ms = parseSessionDuration(raw, min, max);
  if (ms === undefined) problems.push(`${name}: must be a duration ${range} such as 30m or 8h (got ${JSON.stringify(raw.slice(0, 40))})`);
  return ms ?? 0;
}
