import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { READINESS, type Readiness } from '@countersign/runtime';
import type { Response } from 'express';

/** Liveness and readiness, unauthenticated, for probes. */
@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: Readiness) {}

  @Get('healthz')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(@Res({ passthrough: true }) res: Response) {
    const waiting = this.readiness.notReady();
    res.status(waiting.length ? 503 : 200);
    return waiting.length ? { status: 'starting', waitingFor: waiting } : { status: 'ready' };
  }
}
