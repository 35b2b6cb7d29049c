import { Controller, Inject, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type ActionEvent } from '@countersign/contracts';
import { OnLogBatch, type ConsumerOptions, type LogMessage } from '@countersign/messaging';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CLOCK, type Clock } from '@countersign/runtime';
import { PROJECTOR_GROUP, Projector } from './projector.ts';

/**
 * A store that forgets on restart (the embedded default's memory) is rebuilt from the first
 * record, and the process is ready once the backlog present at start is projected.
 */
export const PROJECTOR_CONSUMER: ConsumerOptions = {
  group: PROJECTOR_GROUP,
  topic: TOPICS.events,
  start: (facts) => (facts.storeDurable ? 'committed' : 'beginning'),
  readyWhenCaughtUp: (facts) => !facts.storeDurable,
};

/**
 * Projects every event into the read models: actions (current state + timeline), audit entries
 * and the raw chain per action. Idempotent by (streamId, seq), one bulk write per collection.
 */
@Controller()
export class AuditProjectorController {
  private readonly logger = new Logger('audit-projector');
  private readonly projector: Projector;

  constructor(
    @Inject(READ_MODEL_STORE) store: ReadModelStore,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.projector = new Projector({
      store,
      now: () => clock.now(),
      warn: (message) => this.logger.warn(message),
    });
  }

  @OnLogBatch(PROJECTOR_CONSUMER)
  project(@Payload() messages: LogMessage<ActionEvent>[]): Promise<void> {
    return this.projector.projectEvents(messages.map((m) => m.message), messages.map((m) => m.record));
  }
}
