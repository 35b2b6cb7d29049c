import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { readRawBody } from '../request-body.ts';
import { checker } from '../request-schemas.ts';
import { API_KEY_SIGN_IN_BODY_BYTES, parseApiKeySignInBody } from './api-key-sign-in-body.ts';
import { FORM_HEADERS, renderApiKeyForm } from './api-key-sign-in-page.ts';
import { ApiKeySignIn } from './api-key-sign-in.ts';
import { ConsoleSessions } from './console-sessions.ts';
import { safeReturnTo } from './return-to.ts';
import { notConfigured } from './sign-in.controller.ts';

const parseForm = checker<{ returnTo?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { returnTo: { type: 'string', maxLength: 2048 } },
}, 'query');

const crossSite = (header: string, detail: string) => new Problem(403, 'csrf-refused', 'The request was refused as a possible cross-site request forgery.',
  `${header} ${detail}: sign in from this gateway's own page. Nothing was changed.`, [{ header, detail }]);

/**
 * Console sign-in with an API key, where COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN allows it (by default
 * when no identity provider is set): `GET /auth/api-key` shows the form (so does `/auth/login`
 * without an issuer), `POST /auth/api-key` signs in. Outside /v1 and its guard, like /auth/login.
 */
@Controller('auth')
export class ApiKeySignInController {
  constructor(
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(ApiKeySignIn) private readonly signIns: ApiKeySignIn,
  ) {}

  @Get('api-key')
  form(@Query() rawQuery: unknown, @Res() res: Response): void {
    if (!this.sessions.apiKeySignIn) throw notConfigured();
    const { returnTo } = parseForm(rawQuery);
    res.status(200).set(FORM_HEADERS).send(renderApiKeyForm({ returnTo: safeReturnTo(returnTo) }));
  }

  /**
   * Signs in. Only from this gateway's own pages (a login CSRF would sign a victim in as the
   * attacker); a wrong key shows the form again with an error to a browser (which asks for HTML),
   * and is a problem for any other caller.
   */
  @Post('api-key')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const settings = this.sessions.settings;
    if (!this.sessions.apiKeySignIn || !settings) throw notConfigured();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== settings.publicUrl) throw crossSite('Origin', `is not this gateway's origin (${settings.publicUrl})`);
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') throw crossSite('Sec-Fetch-Site', `is ${site}`);
    const body = parseApiKeySignInBody(req.headers['content-type'], await readRawBody(req, res, API_KEY_SIGN_IN_BODY_BYTES));
    const outcome = await this.signIns.signIn(req.headers.cookie, body.apiKey, body.returnTo, req.ip ?? 'unknown');
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    if (outcome.ok) {
      res.set('Set-Cookie', outcome.cookie).redirect(303, outcome.location);
      return;
    }
    if (req.accepts(['application/json', 'text/html']) !== 'text/html') throw new Problem(outcome.status, outcome.reason === 'agent' ? 'agent-sign-in-refused' : 'unauthenticated', outcome.message);
    res.status(outcome.status).set(FORM_HEADERS).send(renderApiKeyForm({ returnTo: safeReturnTo(body.returnTo), error: outcome.message }));
  }
}
