import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { projectBatch, type ActionView, type AuditEntry } from '@countersign/audit';
import { TOPICS, describeErrors, upcast, validateEvent, type ActionEvent } from '@countersign/contracts';
import { EVENT_LOG, type BatchContext, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CHANGE_FEED, CLOCK, READINESS, deadLetterRecord, type ChangeFeed, type Clock, type Readiness } from '@countersign/runtime';
import { COLLECTIONS, type StoredEvent } from '@countersign/audit';

export const PROJECTOR_GROUP = 'audit-projector';

/**
 * Projects every event into the read models: actions (current state + timeline), audit entries
 * and the raw chain per action. Idempotent by (streamId, seq), one bulk write per collection.
 */
@Injectable()
export class AuditProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit-projector');
  private subscription?: Subscription;
  private projected = 0;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(CHANGE_FEED) private readonly changes: ChangeFeed,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

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
      if (!this.store.durable) this.logger.log(`rebuilt read models from ${this.projected} events in ${Date.now() - started} ms`);
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
    const events: ActionEvent[] = [];
    // The chain is served as written: hashes cover the original shape, not the upcast one.
    const asWritten = new Map<string, ActionEvent>();
    for (const record of records) {
      const check = validateEvent(record.value);
      if (!check.ok) {
        this.logger.warn(`dead-lettering event at offset ${record.offset}: ${describeErrors(check.errors)}`);
        context.append(TOPICS.deadLetter, [deadLetterRecord(PROJECTOR_GROUP, record, describeErrors(check.errors), this.clock.now())]);
        continue;
      }
      asWritten.set(check.value.id, check.value);
      events.push(upcast(check.value));
    }
    if (events.length === 0) return;
    const actions = this.store.collection<ActionView>(COLLECTIONS.actions);
    const batch = await projectBatch(events, (id) => actions.get(id));
    for (const orphan of batch.orphans) {
      this.logger.warn(`event ${orphan.type} #${orphan.seq} of ${orphan.streamId} has no proposal before it; skipped`);
    }
    const stored: StoredEvent[] = batch.events.map((e) => asWritten.get(e.id)!).map((e) => ({ ...e, _id: `${e.streamId}:${String(e.seq).padStart(8, '0')}`, eventId: e.id }) as StoredEvent);
    await this.store.collection<StoredEvent>(COLLECTIONS.events).putMany(stored);
    await this.store.collection<AuditEntry>(COLLECTIONS.audit).putMany(batch.entries);
    // Actions last: a waiter that sees the new action state can already read its audit rows.
    await actions.putMany([...batch.views.values()]);
    this.projected += batch.events.length;
    this.changes.publish(batch.views.keys());
  }
}
