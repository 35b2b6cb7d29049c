import {
  COLLECTIONS, projectBatch, projectPolicies, type ActionView, type AuditEntry, type PolicyDocument, type ProjectorCheckpoint, type StoredEvent,
} from '@countersign/audit';
import { describeErrors, upcast, validateEvent, type ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord, LogRecord } from '@countersign/eventlog';
import type { ReadModelStore } from '@countersign/readmodel';
import { deadLetterRecord } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';

export const PROJECTOR_GROUP = 'audit-projector';

export interface ProjectorDeps {
  store: ReadModelStore;
  now: () => Date;
  warn: (message: string) => void;
}

/**
 * Projects events into the read models: actions (current state), audit entries, the raw chain
 * per action, and the published policy versions. Idempotent by (streamId, seq): replaying any
 * range again changes nothing. Used by the projector service and by the rebuild command, so both
 * write exactly the same documents.
 */
export class Projector {
  projected = 0;

  constructor(private readonly deps: ProjectorDeps) {}

  /**
   * Projects raw records (the rebuild command, which reads the log itself); returns dead letters
   * for the records that are not valid events.
   */
  async project(records: readonly DeliveredRecord[]): Promise<LogRecord[]> {
    const letters: LogRecord[] = [];
    const events: ActionEvent[] = [];
    for (const record of records) {
      const check = validateEvent(record.value);
      if (!check.ok) {
        this.deps.warn(`dead-lettering event at ${record.partition}/${record.offset}: ${escapeForLog(describeErrors(check.errors))}`);
        letters.push(deadLetterRecord(PROJECTOR_GROUP, record, describeErrors(check.errors), this.deps.now()));
        continue;
      }
      events.push(check.value);
    }
    await this.projectEvents(events, records);
    return letters;
  }

  /** Projects events already validated (by the transport), then records how far the log was read. */
  async projectEvents(events: ActionEvent[], records: readonly DeliveredRecord[]): Promise<void> {
    await this.write(events);
    await this.checkpoint(records);
  }

  private async checkpoint(records: readonly DeliveredRecord[]): Promise<void> {
    const next = new Map<string, ProjectorCheckpoint>();
    const updatedAt = this.deps.now().toISOString();
    for (const r of records) {
      const _id = `${r.topic}:${r.partition}`;
      const offset = Number(r.offset) + 1;
      if ((next.get(_id)?.offset ?? -1) < offset) next.set(_id, { _id, topic: r.topic, partition: r.partition, offset, updatedAt });
    }
    if (next.size > 0) await this.deps.store.collection<ProjectorCheckpoint>(COLLECTIONS.checkpoints).putMany([...next.values()]);
  }

  private async write(events: ActionEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { store } = this.deps;
    const actions = store.collection<ActionView>(COLLECTIONS.actions);
    // Project the current shape; serve the chain as written (hashes cover the original shape).
    const asWritten = new Map(events.map((e) => [e.id, e]));
    const batch = await projectBatch(events.map(upcast), (id) => actions.get(id));
    for (const orphan of batch.orphans) {
      this.deps.warn(`event ${orphan.type} #${orphan.seq} of ${escapeForLog(orphan.streamId)} has no proposal before it; skipped`);
    }
    const stored = batch.events.map((e) => asWritten.get(e.id)!).map((e) => ({ ...e, _id: `${e.streamId}:${String(e.seq).padStart(8, '0')}`, eventId: e.id }) as StoredEvent);
    await store.collection<StoredEvent>(COLLECTIONS.events).putMany(stored);
    await store.collection<AuditEntry>(COLLECTIONS.audit).putMany(batch.entries);
    // Only events new to their action view: a redelivery is dropped there, and by event id here.
    const policies = store.collection<PolicyDocument>(COLLECTIONS.policies);
    const published = await projectPolicies(batch.events, (version) => policies.get(version));
    if (published.length > 0) await policies.putMany(published);
    // Actions last: a reader that sees the new action state can already read its audit rows.
    await actions.putMany([...batch.views.values()]);
    this.projected += batch.events.length;
  }

  /** Drops every read model this projector writes (before a rebuild). */
  async dropAll(): Promise<void> {
    for (const name of Object.values(COLLECTIONS)) await this.deps.store.collection(name).drop();
  }
}

