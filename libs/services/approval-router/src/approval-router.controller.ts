import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import {
  LogContext, OnDeadLetter, OnLogBatch, OnLogMessage, OnPartitionsAssigned, OnPartitionsRevoked,
  type ConsumerOptions, type DeadLettered, type LogMessage,
} from '@countersign/messaging';
import { ApprovalRouter } from './approval-router.ts';

export const ROUTER_GROUP = 'approval-router';
/**
 * Commands in order per action, decided in batches; events and consumed offsets in one
 * transaction. The partitions of one fetch are decided side by side and commit together.
 */
export const ROUTER_CONSUMER: ConsumerOptions = { group: ROUTER_GROUP, topic: TOPICS.commands, transactional: true, concurrentPartitions: 16 };
/** Every instance follows every publication (other instances' too), for compare-and-set. */
const POLICIES: ConsumerOptions = { group: `${ROUTER_GROUP}.policies`, topic: TOPICS.policies, broadcast: true, start: 'beginning' };

/** The router's handlers: the transport validates, traces and retries; the router decides. */
@Controller()
export class ApprovalRouterController {
  constructor(@Inject(ApprovalRouter) private readonly router: ApprovalRouter) {}

  @OnPartitionsAssigned(ROUTER_CONSUMER)
  assigned(@Payload() partitions: number[]): Promise<void> {
    return this.router.replay(partitions);
  }

  @OnPartitionsRevoked(ROUTER_CONSUMER)
  revoked(@Payload() partitions: number[]): void {
    this.router.release(partitions);
  }

  @OnLogBatch(ROUTER_CONSUMER)
  decide(@Payload() messages: LogMessage<ActionCommand>[], @Ctx() context: LogContext): void {
    this.router.decide(messages, context);
  }

  @OnDeadLetter(ROUTER_CONSUMER)
  unprocessable(@Payload() letter: DeadLettered<ActionCommand>, @Ctx() context: LogContext): void {
    this.router.rejectUnprocessable(letter, context);
  }

  @OnLogMessage({ ...POLICIES, type: 'PolicyPublished' })
  published(@Payload() event: ActionEvent): void {
    this.router.published(event);
  }
}
