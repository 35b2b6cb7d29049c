import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@countersign/contracts';
import { EVENT_LOG, type BatchContext, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CHANGE_FEED, CLOCK, READINESS, type ChangeFeed, type Clock, type Readiness } from '@countersign/runtime';
import { PROJECTOR_GROUP, Projector } from './projector.ts';

/**
 * Projects every event into the read models: actions (current state + timeline), audit entries
 * and the raw chain per action. Idempotent by (streamId, seq), one bulk write per collection.
 */
@Injectable()
export class AuditProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit-projector');
  private subscription?: Subscription;
  private readonly projector: Projector;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(CHANGE_FEED) private readonly changes: ChangeFeed,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {
    this.projector = new Projector({
      store,
      now: () => clock.now(),
      warn: (message) => this.logger.warn(message),
      changed: (ids) => changes.publish(ids),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const ready = this.readiness.pending('audit-projector');
    // A store that forgets on restart is rebuilt from offset 0 before the gateway answers: ready
    // once everything that was in the log at start has been delivered.
    let backlog = 0;
    if (!this.store.durable) await this.log.readAll(TOPICS.events, (records) => void (backlog += records.length));
    const started = Date.now();
    let delivered = 0;
    let isReady = false;
    const markReady = () => {
      if (isReady) return;
      isReady = true;
      if (!this.store.durable) this.logger.log(`rebuilt read models from ${this.projector.projected} events in ${Date.now() - started} ms`);
      ready();
    };
    this.subscription = await this.log.subscribe({
      group: PROJECTOR_GROUP,
      topic: TOPICS.events,
      fromBeginning: !this.store.durable,
      handler: async (records, context) => {
        await this.handle(records, context);
        delivered += records.length;
        if (delivered >= backlog) markReady();
      },
    });
    if (backlog === 0) markReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  async handle(records: DeliveredRecord[], context: BatchContext): Promise<void> {
    const letters = await this.projector.project(records);
    if (letters.length > 0) context.append(TOPICS.deadLetter, letters);
  }
}
