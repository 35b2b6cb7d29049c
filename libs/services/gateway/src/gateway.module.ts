import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from '@countersign/config';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { READINESS, type Readiness } from '@countersign/runtime';
import express from 'express';
import type { Server } from 'node:http';
import { ActionWaiter, RECENT_VIEWS, WAITING_ROOM } from './action-waiter.ts';
import { answersFollower } from './answers/answers-follower.ts';
import { RecentViews } from './answers/recent-views.ts';
import { WaitingRoom } from './answers/waiting-room.ts';
import { ActionsController } from './actions.controller.ts';
import { AuditController } from './audit.controller.ts';
import { CheckpointRequestsController } from './checkpoint-requests.controller.ts';
import { CheckpointsController } from './checkpoints.controller.ts';
import { ProofsController } from './proofs.controller.ts';
import { EvidenceController } from './audit-export/evidence.controller.ts';
import { ApiKeyGuard } from './auth.ts';
import { CommandSender } from './commands.ts';
import { guardReadModels, READ_MODELS } from './infrastructure.ts';
import { JsonBodyInterceptor } from './json-body.ts';
import { answerMalformedHttp } from './malformed-http.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { PoliciesController } from './policies.controller.ts';
import { Proposer } from './proposer.ts';
import { ProblemFilter, problemMiddleware } from './problem.ts';
import { ProposalQuotas } from './quotas.ts';
import { outboundAllowProvider } from './outbound-allow.ts';
import { SLACK_CONTROLLERS, SLACK_PROVIDERS } from './slack/index.ts';
import { teamsAuthProvider } from './teams/teams-gateway-config.ts';
import { TeamsController } from './teams/teams.controller.ts';
import { VoteCaster } from './vote-caster.ts';
import { VotesController } from './votes.controller.ts';
import { StandingApprovalsController } from './standing/standing.controller.ts';
import { STREAM_CONTROLLERS, streamProviders, StreamTap } from './streams/index.ts';
import { GrantsController } from './grants/grants.controller.ts';
import { SESSION_CONTROLLERS, SESSION_PROVIDERS } from './session/index.ts';
import { JwksController } from './grants/jwks.controller.ts';
import { ConsoleController, consoleDirProvider } from './console/index.ts';
import { PolicySimulationController } from './policy-simulation/policy-simulation.controller.ts';
import { PASSKEY_CONTROLLERS, PASSKEY_PROVIDERS } from './passkeys/index.ts';
import { DELEGATION_CONTROLLERS, DELEGATION_PROVIDERS } from './delegations/index.ts';

/** Answers given from the log that reads of this instance still prefer to a lagging read model. */
const RECENT_VIEWS_KEPT = 10_000;

/**
 * The HTTP edge: authenticates callers, turns requests into commands and read-model queries, and
 * learns the router's answers from the events topic (one follower per instance).
 */
@Module({})
export class GatewayModule {
  /** The gateway with its limits (read from the environment at start, see @countersign/config). */
  static register(limits: GatewayLimits = DEFAULT_GATEWAY_LIMITS): DynamicModule {
    const room = new WaitingRoom(limits.maxWaiting);
    const tap = new StreamTap();
    return {
      module: GatewayModule,
      controllers: [ActionsController, VotesController, GrantsController, JwksController, AuditController, CheckpointRequestsController, CheckpointsController, ProofsController, EvidenceController, PoliciesController, ...SLACK_CONTROLLERS, TeamsController, answersFollower(room, tap), ...STREAM_CONTROLLERS, StandingApprovalsController, ConsoleController, PolicySimulationController, ...PASSKEY_CONTROLLERS, ...SESSION_CONTROLLERS, ...DELEGATION_CONTROLLERS],
      providers: [
        { provide: GATEWAY_LIMITS, useValue: limits },
        { provide: WAITING_ROOM, useValue: room },
        { provide: RECENT_VIEWS, useValue: new RecentViews(RECENT_VIEWS_KEPT) },
        { provide: READ_MODELS, useFactory: (store: ReadModelStore, readiness: Readiness) => guardReadModels(store, limits.readTimeoutMs, limits.readConcurrency, readiness), inject: [READ_MODEL_STORE, READINESS] },
        ActionWaiter, CommandSender, VoteCaster, Proposer, ProposalQuotas, ApiKeyGuard,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
        ...SLACK_PROVIDERS,
        teamsAuthProvider,
        outboundAllowProvider,
        ...streamProviders(tap),
        consoleDirProvider,
        ...PASSKEY_PROVIDERS,
        ...SESSION_PROVIDERS,
        ...DELEGATION_PROVIDERS,
      ],
    };
  }
}

/**
 * HTTP settings Nest does not own. Request bodies are not read here: JsonBodyInterceptor reads
 * them after authentication, within each route's limit, for handlers that take a `@Body()`; the
 * chat endpoints (Slack, Teams) authenticate first (signature, JWT) and read their own bodies,
 * bounded. Requests Node's own parser refuses are answered with a problem as well
 * (malformed-http.ts). Create the app with `bodyParser: false` and call this before `listen`.
 */
export function configureHttp(app: INestApplication): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  http.set('etag', false);
  http.use(problemMiddleware);
  (app.getHttpServer() as Server).on('clientError', answerMalformedHttp);
}
