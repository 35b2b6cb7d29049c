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
import { SLACK_CONTROLLERS, SLACK_INTERACTIONS_PATH, SLACK_PROVIDERS } from './slack/index.ts';
import { TeamsController } from './teams/teams.controller.ts';
import { VoteCaster } from './vote-caster.ts';
import { VotesController } from './votes.controller.ts';

/** The HTTP edge: authenticates callers and turns requests into commands and read-model queries. */
@Module({
  controllers: [ActionsController, VotesController, AuditController, PoliciesController, ...SLACK_CONTROLLERS, TeamsController],
  providers: [ActionWaiter, CommandSender, VoteCaster, Proposer, ApiKeyGuard, { provide: APP_FILTER, useClass: ProblemFilter }, ...SLACK_PROVIDERS, outboundAllowProvider],
})
export class GatewayModule {}

/**
 * HTTP settings Nest does not own: JSON only, 1 MB bodies, problem+json for errors raised before
 * routing. One exception: Slack posts interactions form-encoded and signs the raw bytes, so that
 * one path takes a form and keeps it raw (a Buffer) for the signature check. Create the app with
 * `bodyParser: false` and call this before `listen`.
 */
export function configureHttp(app: INestApplication): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  http.set('etag', false);
  http.use((req: Request, _res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const slackForm = req.path === SLACK_INTERACTIONS_PATH && req.is('application/x-www-form-urlencoded');
    if (hasBody && !req.is('application/json') && !req.is('application/*+json') && !slackForm) {
      return next(new Problem(415, 'unsupported-media-type', 'Send JSON.', 'The body must be application/json.',
        [{ header: 'Content-Type', detail: `is ${req.headers['content-type'] ?? 'missing'}, expected application/json` }]));
    }
    next();
  });
  http.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  http.post(SLACK_INTERACTIONS_PATH, express.raw({ limit: '1mb', type: 'application/x-www-form-urlencoded' }));
  http.use(problemMiddleware);
}
