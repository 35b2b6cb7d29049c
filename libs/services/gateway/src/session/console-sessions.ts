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
import { SSO_CONFIG, type SsoConfig } from './sso-config.ts';

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
 * a principal (resolveSignIn, ADR 0008), and authenticates requests that carry the session cookie.
 * Every sign-in makes a new session id; a cookie presented before it is never promoted.
 */
@Injectable()
export class ConsoleSessions {
  readonly names: CookieNames;
  private readonly oidc?: OidcClient;
  private readonly starts = new TokenBuckets(SIGN_INS_PER_WINDOW, LOGIN_TTL_MS);

  constructor(
    @Inject(SSO_CONFIG) readonly sso: SsoConfig | null,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.names = cookieNames(sso?.secureCookies ?? false);
    if (sso) this.oidc = new OidcClient(sso);
  }

  get enabled(): boolean {
    return this.sso !== null;
  }

  /** The live session the Cookie header carries, or undefined (none, unknown, ended, expired, idle). */
  async authenticate(cookieHeader: string | undefined): Promise<ActiveSession | undefined> {
    const token = this.sso ? cookieToken(cookieHeader, this.names.session) : undefined;
    if (!token || !this.sso) return undefined;
    const id = tokenDigest(token);
    const now = this.clock.now().getTime();
    const record = await this.store.findSession(id, now);
    if (!record) return undefined;
    if (now - record.lastSeenAt >= this.sso.idleTtlMs) {
      await this.store.endSession(id, now);
      return undefined;
    }
    const principal = this.directory.get(record.principal);
    if (!principal || principal.kind !== 'human') return undefined;
    if (now - record.lastSeenAt >= TOUCH_EVERY_MS) await this.store.touchSession(id, now);
    return { id, principal, identity: record.identity, csrfToken: record.csrfToken, unsyncedGroups: record.unsyncedGroups };
  }

  /** Starts a sign-in: the transaction kept server-side, its cookie, and where to send the browser. */
  async beginSignIn(returnTo: unknown): Promise<{ location: string; cookie: string }> {
    const sso = this.required();
    const now = this.clock.now().getTime();
    const allowed = this.starts.take('sign-in', 1, now);
    if (!allowed.ok) {
      const seconds = String(Math.ceil(allowed.waitMs / 1000));
      throw new Problem(503, 'sign-in-busy', 'Too many sign-ins are under way.', `Try again in ${seconds} s.`, undefined, {}, { 'Retry-After': seconds });
    }
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
    const earlier = cookieToken(cookieHeader, this.names.session);
    if (earlier) await this.store.endSession(tokenDigest(earlier), now);
    const token = newCookieToken();
    const id = tokenDigest(token);
    await this.store.createSession({
      id, principal: outcome.principal.id, identity: outcome.identity, csrfToken: newCsrfToken(),
      createdAt: now, lastSeenAt: now, expiresAt: now + sso.sessionTtlMs, idToken: verified.idToken, unsyncedGroups: outcome.unsyncedGroups,
    });
    logger.log(`signed in: ${escapeForLog(outcome.principal.id)} as ${escapeForLog(outcome.identity)} (session ${id.slice(0, 12)})`);
    cookies.push(setCookie(this.names.session, token, { path: '/', secure: sso.secureCookies, maxAge: Math.floor(sso.sessionTtlMs / 1000) }));
    return { ok: true, location: login.returnTo, cookies };
  }

  /** Ends the session server-side; gives where to send the browser (the IdP's end-session URL, or the console). */
  async signOut(session: ActiveSession): Promise<{ location: string; cookie: string }> {
    const sso = this.required();
    const now = this.clock.now().getTime();
    const record = await this.store.findSession(session.id, now);
    await this.store.endSession(session.id, now);
    logger.log(`signed out: ${escapeForLog(session.principal.id)} (session ${session.id.slice(0, 12)})`);
    const location = (await this.oidc!.endSessionUrl(record?.idToken)) ?? '/console';
    return { location, cookie: clearCookie(this.names.session, { path: '/', secure: sso.secureCookies }) };
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
