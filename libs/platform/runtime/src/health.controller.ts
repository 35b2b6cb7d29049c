import { Controller, Get, HttpCode, Inject, Module, Res } from '@nestjs/common';
import type { Readiness } from './readiness.ts';
import { READINESS } from './tokens.ts';
import type { Response } from 'express';

/** Liveness and readiness, unauthenticated, for probes. */
@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: Readiness) {}

  @Get('healthz')
  @HttpCode(200)
  health() {
    const details = this.readiness.details();
    return Object.keys(details).length ? { status: 'ok', details } : { status: 'ok' };
  }

  /** 503 while a service is starting, and while one is unhealthy (a stuck, lagging or recovering consumer). */
  @Get('readyz')
  ready(@Res({ passthrough: true }) res: Response) {
    const waiting = this.readiness.notReady();
    const problems = this.readiness.problems();
    const unhealthy = Object.keys(problems).length > 0;
    res.status(waiting.length || unhealthy ? 503 : 200);
    if (waiting.length) return { status: 'starting', waitingFor: waiting, ...(unhealthy ? { problems } : {}) };
    return unhealthy ? { status: 'unhealthy', problems } : { status: 'ready' };
  }
}

/** Probes for every process: the gateway's and the worker services'. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
