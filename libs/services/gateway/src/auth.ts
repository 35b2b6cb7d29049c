import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Directory, Principal } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import type { Request } from 'express';
import { Problem } from './problem.ts';
import { ConsoleSessions, type ActiveSession } from './session/console-sessions.ts';
import { checkCsrf, csrfRefused } from './session/csrf.ts';

export interface Caller {
  principal: Principal;
  /** The linked identity the request came in under: `apikey:<key id>` (also for a console session opened with that key), or `oidc:<sub>` for a single sign-on session. */
  identity: string;
  via: 'apikey' | 'session';
  /** Sessions only: the session's id (the SHA-256 of its cookie, never the cookie itself). */
  sessionId?: string;
}

export type AuthedRequest = Request & { caller?: Caller; consoleSession?: ActiveSession };

/**
 * Every /v1 call carries `Authorization: Bearer <api key>` (keys are compared by hash only) or,
 * from a signed-in browser, the console's session cookie (docs/sign-in.md). A session request
 * that changes anything must carry the session's `X-CSRF-Token` and, when sent, the gateway's own
 * `Origin`. An Authorization header always means an API key: a cookie beside it is not looked at.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    if (header === undefined && this.sessions.settings) {
      const session = await this.sessions.authenticate(req.headers.cookie);
      if (session) {
        const verdict = checkCsrf(req.method, { token: req.headers['x-csrf-token'], origin: req.headers.origin }, session.csrfToken, this.sessions.settings.publicUrl);
        if (!verdict.ok) throw csrfRefused(verdict);
        req.caller = { principal: session.principal, identity: session.identity, via: 'session', sessionId: session.id };
        req.consoleSession = session;
        return true;
      }
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) {
      const hadSession = header === undefined && this.sessions.settings && req.headers.cookie?.includes(`${this.sessions.names.session}=`);
      throw new Problem(401, 'unauthenticated', 'Authentication is required.',
        header ? 'The Authorization header must be "Bearer <api key>".'
          : hadSession ? 'The session has ended or expired: sign in again (/auth/login), or send an API key.' : 'Send your API key as "Authorization: Bearer <api key>".',
        [{ header: 'Authorization', detail: header ? 'is not a bearer token' : 'is missing' }], {});
    }
    const found = this.directory.authenticate(match[1]);
    if (!found) {
      throw new Problem(401, 'unauthenticated', 'Authentication is required.', 'The API key is not known.',
        [{ header: 'Authorization', detail: 'holds an unknown API key' }]);
    }
    req.caller = { principal: found.principal, identity: `apikey:${found.keyId}`, via: 'apikey' };
    return true;
  }
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthedRequest>().caller;
  if (!caller) throw new Problem(401, 'unauthenticated', 'Authentication is required.');
  return caller;
});
