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

  @Get('readyz')
  ready(@Res({ passthrough: true }) res: Response) {
    const waiting = this.readiness.notReady();
    res.status(waiting.length ? 503 : 200);
    return waiting.length ? { status: 'starting', waitingFor: waiting } : { status: 'ready' };
  }
}

/** Probes for every process: the gateway's and the worker services'. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
