import { Inject, Injectable, Logger } from '@nestjs/common';
import { resolveSignIn, type Directory, type Principal, type SignInRefusal } from '@countersign/identity';
import { CLOCK, DIRECTORY, type Clock } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { Problem } from '../problem.ts';
import { TokenBuckets } from '../token-buckets.ts';
import { newCsrfToken } from './csrf.ts';
import { OidcClient } from './oidc-client.ts';
import { safeReturnTo } from './return-to.ts';
import { clearCookie, cookieNames, cookieToken, newCookieToken, setCookie, tokenDigest, type CookieNames } from './session-cookies.ts';
import { SESSION_STORE, type SessionStore } from './session-store.port.ts';
import { SIGN_IN_CONFIG, type SignInConfig } from './sign-in-config.ts';
import type { SessionSettings, SsoConfig } from './sso-config.ts';

/** A request's live session, with the principal the directory has for it now. */
export interface ActiveSession {
  id: string;
  principal: Principal;
  identity: string;
  csrfToken: string;
  unsyncedGroups: string[];
}

/** How long a sign-in may take between /auth/login and /auth/callback. */
export const LOGIN_TTL_MS = 10 * 60_000;
/**
 * Sign-ins one gateway instance starts per LOGIN_TTL_MS. /auth/login is unauthenticated and each
 * start stores a transaction: the bound keeps what anyone can make the store hold bounded too.
 */
export const SIGN_INS_PER_WINDOW = 2000;
/** A session's use is written down at most this often (idle expiry is that coarse). */
const TOUCH_EVERY_MS = 60_000;

/** Why a callback did not sign anyone in: the refusals of the sign-in rule, or of the protocol. */
export type CallbackRefusal =
  | SignInRefusal
  | { ok: false; reason: 'no-login' | 'login-expired' | 'verification-failed' }
  | { ok: false; reason: 'idp-error'; error: string; description?: string };

export type CallbackOutcome = { ok: true; location: string; cookies: string[] } | (CallbackRefusal & { cookies: string[] });

const logger = new Logger('sign-in');

/**
 * Console sign-in and its sessions: starts and completes the OpenID Connect flow, maps the user to
 * a principal (resolveSignIn, ADR 0008), opens sessions (for it and for API-key sign-in,
 * api-key-sign-in.ts), and authenticates requests that carry the session cookie. Every sign-in
 * makes a new session id; a cookie presented before it is never promoted.
 */
@Injectable()
export class ConsoleSessions {
  readonly names: CookieNames;
  /** Session settings; null when no way of signing in is on (then nobody has a session). */
  readonly settings: SessionSettings | null;
  /** Single sign-on; null when no issuer is set. */
  readonly sso: SsoConfig | null;
  /** Whether a human principal may sign in with an API key. */
  readonly apiKeySignIn: boolean;
  private readonly oidc?: OidcClient;
  private readonly starts = new TokenBuckets(SIGN_INS_PER_WINDOW, LOGIN_TTL_MS);

  constructor(
    @Inject(SIGN_IN_CONFIG) config: SignInConfig | null,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.settings = config?.sessions ?? null;
    this.sso = config?.oidc ?? null;
    this.apiKeySignIn = config?.apiKey ?? false;
    this.names = cookieNames(this.settings?.secureCookies ?? false);
    if (this.sso) this.oidc = new OidcClient(this.sso);
  }

  /** The live session the Cookie header carries, or undefined (none, unknown, ended, expired, idle). */
  async authenticate(cookieHeader: string | undefined): Promise<ActiveSession | undefined> {
    const token = this.settings ? cookieToken(cookieHeader, this.names.session) : undefined;
    if (!token || !this.settings) return undefined;
    const id = tokenDigest(token);
    const now = this.clock.now().getTime();
    const record = await this.store.findSession(id, now);
    if (!record) return undefined;
    if (now - record.lastSeenAt >= this.settings.idleTtlMs) {
      await this.store.endSession(id, now);
      return undefined;
    }
    const principal = this.directory.get(record.principal);
    if (!principal || principal.kind !== 'human') return undefined;
    // A session opened with an API key lasts only as long as the key: revoking it ends the session.
    const keyId = record.identity.startsWith('apikey:') ? record.identity.slice('apikey:'.length) : undefined;
    if (keyId !== undefined && !principal.apiKeys.some((k) => k.id === keyId)) return undefined;
    if (now - record.lastSeenAt >= TOUCH_EVERY_MS) await this.store.touchSession(id, now);
    return { id, principal, identity: record.identity, csrfToken: record.csrfToken, unsyncedGroups: record.unsyncedGroups };
  }

  /** Starts a sign-in: the transaction kept server-side, its cookie, and where to send the browser. */
  async beginSignIn(returnTo: unknown): Promise<{ location: string; cookie: string }> {
    const sso = this.required();
    const now = this.clock.now().getTime();
    this.takeStart(now);
    const checks = OidcClient.newChecks();
    const token = newCookieToken();
    const location = await this.oidc!.authorizationUrl(checks);
    await this.store.saveLogin({ id: tokenDigest(token), ...checks, returnTo: safeReturnTo(returnTo), createdAt: now, expiresAt: now + LOGIN_TTL_MS });
    return { location, cookie: setCookie(this.names.login, token, { path: '/auth', secure: sso.secureCookies, maxAge: LOGIN_TTL_MS / 1000 }) };
  }

  /**
   * Completes a sign-in from the IdP's redirect: the transaction is taken once (a replayed
   * callback finds none), the code redeemed and the ID token verified, the user mapped to a
   * principal, and a new session made. A session cookie the browser held before is ended.
   */
  async completeSignIn(cookieHeader: string | undefined, query: string): Promise<CallbackOutcome> {
    const sso = this.required();
    const cookies = [clearCookie(this.names.login, { path: '/auth', secure: sso.secureCookies })];
    const loginToken = cookieToken(cookieHeader, this.names.login);
    if (!loginToken) return this.refused({ ok: false, reason: 'no-login' }, cookies);
    const now = this.clock.now().getTime();
    const login = await this.store.takeLogin(tokenDigest(loginToken), now);
    if (!login) return this.refused({ ok: false, reason: 'login-expired' }, cookies);
    const params = new URLSearchParams(query);
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description') ?? undefined;
      return this.refused({ ok: false, reason: 'idp-error', error: error.slice(0, 200), ...(description ? { description: description.slice(0, 500) } : {}) }, cookies);
    }
    let verified;
    try {
      verified = await this.oidc!.verifyCallback(query, login);
    } catch (e) {
      logger.warn(`sign-in refused: the IdP's answer did not verify: ${escapeForLog(String((e as Error).message ?? e))}`);
      return { ok: false, reason: 'verification-failed', cookies };
    }
    const outcome = resolveSignIn(this.directory, verified.claims);
    if (!outcome.ok) return this.refused(outcome, cookies, verified.claims.sub);
    cookies.push(await this.openSession(cookieHeader, { principal: outcome.principal.id, identity: outcome.identity, idToken: verified.idToken, unsyncedGroups: outcome.unsyncedGroups }, now));
    return { ok: true, location: login.returnTo, cookies };
  }

  /**
   * Makes a new session for a principal who has just proved who they are, and gives its cookie. A
   * session cookie the browser held before is ended, never promoted (no session fixation).
   */
  async openSession(cookieHeader: string | undefined, who: { principal: string; identity: string; idToken?: string; unsyncedGroups: string[] }, now: number): Promise<string> {
    const settings = this.settings;
    if (!settings) throw new Error('sign-in is not configured');
    const earlier = cookieToken(cookieHeader, this.names.session);
    if (earlier) await this.store.endSession(tokenDigest(earlier), now);
    const token = newCookieToken();
    const id = tokenDigest(token);
    await this.store.createSession({
      id, principal: who.principal, identity: who.identity, csrfToken: newCsrfToken(),
      createdAt: now, lastSeenAt: now, expiresAt: now + settings.sessionTtlMs, ...(who.idToken ? { idToken: who.idToken } : {}), unsyncedGroups: who.unsyncedGroups,
    });
    logger.log(`signed in: ${escapeForLog(who.principal)} as ${escapeForLog(who.identity)} (session ${id.slice(0, 12)})`);
    return setCookie(this.names.session, token, { path: '/', secure: settings.secureCookies, maxAge: Math.floor(settings.sessionTtlMs / 1000) });
  }

  /** Counts a sign-in against the instance's bound (SIGN_INS_PER_WINDOW); 503 `sign-in-busy` past it. */
  takeStart(now: number): void {
    const allowed = this.starts.take('sign-in', 1, now);
    if (!allowed.ok) {
      const seconds = String(Math.ceil(allowed.waitMs / 1000));
      throw new Problem(503, 'sign-in-busy', 'Too many sign-ins are under way.', `Try again in ${seconds} s.`, undefined, {}, { 'Retry-After': seconds });
    }
  }

  /** Ends the session server-side; gives where to send the browser (the IdP's end-session URL, or the console). */
  async signOut(session: ActiveSession): Promise<{ location: string; cookie: string }> {
    const settings = this.settings;
    if (!settings) throw new Error('sign-in is not configured');
    const now = this.clock.now().getTime();
    const record = await this.store.findSession(session.id, now);
    await this.store.endSession(session.id, now);
    logger.log(`signed out: ${escapeForLog(session.principal.id)} (session ${session.id.slice(0, 12)})`);
    // A session opened with an API key has no IdP session to end.
    const location = (this.oidc && !session.identity.startsWith('apikey:') ? await this.oidc.endSessionUrl(record?.idToken) : undefined) ?? '/console';
    return { location, cookie: clearCookie(this.names.session, { path: '/', secure: settings.secureCookies }) };
  }

  private refused(refusal: CallbackRefusal, cookies: string[], sub?: string): CallbackOutcome {
    const who = sub !== undefined ? ` (oidc:${escapeForLog(sub.slice(0, 200))})` : '';
    logger.warn(`sign-in refused: ${refusal.reason}${who}`);
    return { ...refusal, cookies };
  }

  private required(): SsoConfig {
    if (!this.sso) throw new Error('sign-in is not configured');
    return this.sso;
  }
}
