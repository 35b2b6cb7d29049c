import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { checker } from '../request-schemas.ts';
import { ConsoleSessions } from './console-sessions.ts';
import { checkCsrf, csrfRefused } from './csrf.ts';
import { FORM_HEADERS, renderApiKeyForm } from './api-key-sign-in-page.ts';
import { safeReturnTo } from './return-to.ts';
import { PAGE_HEADERS, refusalPage, renderPage } from './sign-in-pages.ts';

const parseLogin = checker<{ returnTo?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { returnTo: { type: 'string', maxLength: 2048 } },
}, 'query');

export const notConfigured = () => new Problem(404, 'sign-in-not-configured', 'Sign-in is not configured.',
  'This gateway has no OpenID provider (COUNTERSIGN_OIDC_ISSUER is unset) and API-key sign-in is off (COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN): use an API key (Authorization: Bearer).');

/**
 * The console's single sign-on (docs/sign-in.md): `/auth/login` sends the browser to the IdP,
 * `/auth/callback` completes the sign-in and sets the session cookie, `/auth/logout` ends it.
 * Without an issuer, `/auth/login` shows the API-key sign-in form instead, when that is on
 * (api-key-sign-in.controller.ts). Outside /v1: these answer browsers (redirects, small HTML
 * pages), and are not behind the API key guard; logout checks the session and its CSRF token itself.
 */
@Controller('auth')
export class SignInController {
  constructor(@Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

  @Get('login')
  async login(@Query() rawQuery: unknown, @Res() res: Response): Promise<void> {
    if (!this.sessions.sso && !this.sessions.apiKeySignIn) throw notConfigured();
    const { returnTo } = parseLogin(rawQuery);
    if (!this.sessions.sso) {
      res.status(200).set(FORM_HEADERS).send(renderApiKeyForm({ returnTo: safeReturnTo(returnTo) }));
      return;
    }
    let started;
    try {
      started = await this.sessions.beginSignIn(returnTo);
    } catch (error) {
      if (error instanceof Problem) throw error;
      throw new Problem(503, 'idp-unavailable', 'The identity provider cannot be reached.',
        'Its OpenID configuration could not be read. Try again in a moment.', undefined, {}, { 'Retry-After': '5' });
    }
    res.set({ 'Cache-Control': 'no-store', 'Set-Cookie': started.cookie, 'Referrer-Policy': 'no-referrer' }).redirect(302, started.location);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.sessions.sso) throw notConfigured();
    const q = req.originalUrl.indexOf('?');
    const outcome = await this.sessions.completeSignIn(req.headers.cookie, q < 0 ? '' : req.originalUrl.slice(q + 1));
    res.set({ 'Set-Cookie': outcome.cookies, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
    if (outcome.ok) {
      res.redirect(303, outcome.location);
      return;
    }
    const page = refusalPage(outcome);
    res.status(page.status).set(PAGE_HEADERS).send(renderPage(page.title, page.body));
  }

  /**
   * Ends the session (CSRF-checked as any session request). A browser navigating gets 303 to the
   * IdP's end-session endpoint (or /console); a script asking for JSON gets `{ redirectTo }`.
   */
  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.sessions.settings) throw notConfigured();
    const session = await this.sessions.authenticate(req.headers.cookie);
    if (!session) throw new Problem(401, 'unauthenticated', 'Authentication is required.', 'No signed-in session came with the request: there is nothing to sign out of.');
    const verdict = checkCsrf(req.method, { token: req.headers['x-csrf-token'], origin: req.headers.origin }, session.csrfToken, this.sessions.settings.publicUrl);
    if (!verdict.ok) throw csrfRefused(verdict);
    const { location, cookie } = await this.sessions.signOut(session);
    res.set({ 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
    if (req.accepts(['text/html', 'application/json']) === 'application/json') res.status(200).json({ signedOut: true, redirectTo: location });
    else res.redirect(303, location);
  }
}
