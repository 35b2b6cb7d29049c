import { Controller, HttpCode, Inject, Logger, Post, UseGuards } from '@nestjs/common';
import type { GatewayLimits } from '@countersign/config';
import { checkpointRequest, CHECKPOINT_STREAM_ID, TOPICS } from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import { CLOCK, ID_SOURCE, type Clock, type IdSource } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { DeadlineExceeded, withDeadline } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem, unavailable } from './problem.ts';

/**
 * `POST /v1/audit/checkpoints`: an admin asks for a signed checkpoint now (ADR 0007). The request,
 * with who asked, goes on the checkpoint-requests topic; the leading checkpointer signs when heads
 * moved since the last checkpoint (otherwise the last one already covers everything). Accepted,
 * not done: `GET /v1/audit/checkpoints/latest` shows when it is.
 */
@Controller('v1/audit/checkpoints')
@UseGuards(ApiKeyGuard)
export class CheckpointRequestsController {
  private readonly logger = new Logger('gateway');

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
  ) {}

  @Post()
  @HttpCode(202)
  async request(@CurrentCaller() caller: Caller) {
    const { principal } = caller;
    if (!(principal.roles ?? []).includes('admin')) {
      throw new Problem(403, 'forbidden', 'Requesting a checkpoint needs the admin role.', `${principal.id} is not an admin.`);
    }
    const request = checkpointRequest({ id: principal.id, kind: principal.kind }, this.ids.next(), this.clock.now());
    try {
      await withDeadline(Promise.resolve().then(() => this.log.append(TOPICS.checkpointRequests, [{ key: CHECKPOINT_STREAM_ID, value: request }])), this.limits.logTimeoutMs);
    } catch (error) {
      this.logger.warn(`checkpoint request ${request.id} not appended: ${escapeForLog(String((error as Error)?.message ?? error))}`);
      throw unavailable('event-log', `The event log did not confirm the checkpoint request (${error instanceof DeadlineExceeded ? `no answer within ${this.limits.logTimeoutMs} ms` : 'the append failed'}); retry.`);
    }
    return { requested: true, id: request.id, requestedAt: request.issuedAt, requestedBy: principal.id };
  }
}
