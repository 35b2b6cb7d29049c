import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type ActionEvent, type CheckpointRequest, type CheckpointSignedEvent } from '@countersign/contracts';
import { OnLogBatch, OnPartitionsAssigned, OnPartitionsRevoked, type ConsumerOptions, type LogMessage } from '@countersign/messaging';
import { Checkpointer } from './checkpointer.ts';

/**
 * Every event from the first, in each instance (its own group): the heads a checkpoint commits to.
 * Not a readiness gate: the process serves while the checkpointer replays (a backlog is never
 * "lagging"; a consumer stuck on a record still is).
 */
export const CHECKPOINTER_EVENTS: ConsumerOptions = {
  group: 'countersign.checkpointer-events', topic: TOPICS.events, broadcast: true, start: 'beginning', readyWhenCaughtUp: false,
  maxLag: Number.POSITIVE_INFINITY,
};

/**
 * The checkpoints topic in one shared group: the instance holding partition 0 leads and alone
 * signs (ADR 0007); what it reads back confirms its appends.
 */
export const CHECKPOINTER_LEAD: ConsumerOptions = { group: 'countersign.checkpointer', topic: TOPICS.checkpoints, start: 'end' };

/** Requests for a checkpoint now, seen by every instance (only the leader acts); older ones are moot. */
export const CHECKPOINTER_REQUESTS: ConsumerOptions = {
  group: 'countersign.checkpointer-requests', topic: TOPICS.checkpointRequests, broadcast: true, start: 'end',
};

@Controller()
export class CheckpointerController {
  constructor(@Inject(Checkpointer) private readonly checkpointer: Checkpointer) {}

  @OnLogBatch(CHECKPOINTER_EVENTS)
  follow(@Payload() messages: LogMessage<ActionEvent>[]): void {
    this.checkpointer.observe(messages);
  }

  @OnPartitionsAssigned(CHECKPOINTER_LEAD)
  lead(@Payload() partitions: number[]): Promise<void> {
    return this.checkpointer.assigned(partitions);
  }

  @OnPartitionsRevoked(CHECKPOINTER_LEAD)
  stepDown(@Payload() partitions: number[]): void {
    this.checkpointer.revoked(partitions);
  }

  @OnLogBatch(CHECKPOINTER_LEAD)
  readBack(@Payload() messages: LogMessage<CheckpointSignedEvent>[]): void {
    this.checkpointer.confirm(messages.map((m) => m.message));
  }

  @OnLogBatch(CHECKPOINTER_REQUESTS)
  requested(@Payload() messages: LogMessage<CheckpointRequest>[]): void {
    for (const m of messages) this.checkpointer.request(m.message.id);
  }
}
