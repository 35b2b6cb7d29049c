import { Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ActionWaiter } from './action-waiter.ts';
import { ActionsController } from './actions.controller.ts';
import { AuditController } from './audit.controller.ts';
import { ApiKeyGuard } from './auth.ts';
import { CommandSender } from './commands.ts';
import { outboundAllowProvider } from './outbound-allow.ts';
import { PoliciesController } from './policies.controller.ts';
import { Proposer } from './proposer.ts';
import { Problem, ProblemFilter, problemMiddleware } from './problem.ts';
import { readsOwnBody } from './integrations/paths.ts';
import { SLACK_CONTROLLERS, SLACK_PROVIDERS } from './slack/index.ts';
import { teamsAuthProvider } from './teams/teams-gateway-config.ts';
import { TeamsController } from './teams/teams.controller.ts';
import { VoteCaster } from './vote-caster.ts';
import { VotesController } from './votes.controller.ts';

/** The HTTP edge: authenticates callers and turns requests into commands and read-model queries. */
@Module({
  controllers: [ActionsController, VotesController, AuditController, PoliciesController, ...SLACK_CONTROLLERS, TeamsController],
  providers: [ActionWaiter, CommandSender, VoteCaster, Proposer, ApiKeyGuard, { provide: APP_FILTER, useClass: ProblemFilter }, ...SLACK_PROVIDERS, teamsAuthProvider, outboundAllowProvider],
})
export class GatewayModule {}

/**
 * HTTP settings Nest does not own: JSON only, 1 MB bodies, problem+json for errors raised before
 * routing. The chat endpoints (Slack, Teams) are left alone: they authenticate first (signature,
 * JWT) and then read their own bodies, bounded. Create the app with `bodyParser: false` and call
 * this before `listen`.
 */
export function configureHttp(app: INestApplication): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  http.set('etag', false);
  http.use((req: Request, _res: Response, next: NextFunction) => {
    if (readsOwnBody(req.path)) return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
      return next(new Problem(415, 'unsupported-media-type', 'Send JSON.', 'The body must be application/json.',
        [{ header: 'Content-Type', detail: `is ${req.headers['content-type'] ?? 'missing'}, expected application/json` }]));
    }
    next();
  });
  const json = express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] });
  http.use((req: Request, res: Response, next: NextFunction) => (readsOwnBody(req.path) ? next() : json(req, res, next)));
  http.use(problemMiddleware);
}
