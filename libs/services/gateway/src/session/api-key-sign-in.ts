import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Directory } from '@countersign/identity';
import { CLOCK, DIRECTORY, type Clock } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { Problem } from '../problem.ts';
import { TokenBuckets } from '../token-buckets.ts';
import { ConsoleSessions, LOGIN_TTL_MS } from './console-sessions.ts';
import { safeReturnTo } from './return-to.ts';

/**
 * Wrong keys one gateway instance accepts per LOGIN_TTL_MS before it stops checking any (one every
 * 6 s after a burst): a key cannot be guessed quickly. Per instance rather than per client address,
 * which a guesser can change at will; the price is that a flood of wrong keys holds everyone's form
 * sign-in back for a while (API keys on /v1 are not affected).
 */
export const FAILED_API_KEY_SIGN_INS_PER_WINDOW = 100;

export type ApiKeySignInOutcome =
  | { ok: true; location: string; cookie: string }
  | { ok: false; status: 401 | 403; reason: 'unknown-key' | 'agent'; message: string };

const logger = new Logger('sign-in');

/**
 * Console sign-in with a human principal's API key (docs/sign-in.md, "Without an identity
 * provider"): the key is checked by the directory exactly as the API's guard checks it (by hash),
 * agents are refused, and a new session is opened as for single sign-on.
 */
@Injectable()
export class ApiKeySignIn {
  private readonly failures = new TokenBuckets(FAILED_API_KEY_SIGN_INS_PER_WINDOW, LOGIN_TTL_MS);

  constructor(
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `from` is only for the log (the client's address); the key is never logged nor echoed. */
  async signIn(cookieHeader: string | undefined, apiKey: string, returnTo: unknown, from: string): Promise<ApiKeySignInOutcome> {
    const now = this.clock.now().getTime();
    // Checked before the key: while wrong keys are over their bound, no key is tried at all.
    const wait = this.failures.waitMs('wrong-key', 1, now);
    if (wait > 0) {
      const seconds = String(Math.ceil(wait / 1000));
      logger.warn(`API-key sign-in refused: too many wrong keys lately (from ${escapeForLog(from)})`);
      throw new Problem(429, 'sign-in-throttled', 'Too many sign-ins with a wrong API key.', `Try again in ${seconds} s.`, undefined, {}, { 'Retry-After': seconds });
    }
    const found = this.directory.authenticate(apiKey);
    if (!found) {
      this.failures.take('wrong-key', 1, now);
      logger.warn(`API-key sign-in refused: unknown key (from ${escapeForLog(from)})`);
      return { ok: false, status: 401, reason: 'unknown-key', message: 'That API key is not known. Check it and try again.' };
    }
    if (found.principal.kind !== 'human') {
      logger.warn(`API-key sign-in refused: ${escapeForLog(found.principal.id)} is an agent (from ${escapeForLog(from)})`);
      return { ok: false, status: 403, reason: 'agent', message: 'That key belongs to an agent: agents use the API, not the console.' };
    }
    this.sessions.takeStart(now);
    const cookie = await this.sessions.openSession(cookieHeader, { principal: found.principal.id, identity: `apikey:${found.keyId}`, unsyncedGroups: [] }, now);
    return { ok: true, location: safeReturnTo(returnTo), cookie };
  }
}
