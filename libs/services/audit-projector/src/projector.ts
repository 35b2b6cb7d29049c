import {
  auditEntryId, COLLECTIONS, projectBatch, projectPolicies, projectStandingBatch, type ActionView, type AuditEntry, type PolicyDocument,
  type ProjectorCheckpoint, type StandingView, type StoredEvent,
} from '@countersign/audit';
import { projectPasskeyBatch, type PasskeyView } from '@countersign/audit';
import { projectDelegationBatch, type DelegationView } from '@countersign/audit';
import { describeErrors, isDelegationEventType, isPasskeyEventType, isStandingEventType, upcast, validateEvent, type ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord, LogRecord } from '@countersign/eventlog';
import type { ReadModelStore } from '@countersign/readmodel';
import { deadLetterRecord } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { checkEventLinks, knownHashes, linkIds, type Mismatch } from './integrity.ts';

export const PROJECTOR_GROUP = 'audit-projector';

const BY_SEQ = { versionField: 'seq' } as const;

/** What a ledger's batch projection gives back (libs/audit's project*Batch). */
interface LedgerBatch<V> {
  events: ActionEvent[];
  entries: AuditEntry[];
  views: Map<string, V>;
  orphans?: readonly { type: string; seq: number; streamId: string }[];
}
/** Streams whose last event the link check remembers: ~150 bytes each. */
const HEADS_REMEMBERED = 100_000;

export interface ProjectorDeps {
  store: ReadModelStore;
  now: () => Date;
  warn: (message: string) => void;
  /**
   * Check each event's hash and link as it is projected (ADR 0007). Default: when the store is
   * durable (the production shape, where events arrive once and the check is the only one as they
   * come). A store that forgets is rebuilt from the first event at every start, where the check
   * would double the rebuild's time (a canonical-JSON hash per event) for a log the embedded
   * default verifies before it serves.
   */
  checkLinks?: boolean;
}

/**
 * Projects events into the read models: actions (current state), audit entries, the raw chain
 * per action, and the published policy versions. Idempotent by (streamId, seq): replaying any
 * range again changes nothing, and no view goes back to an older seq. Used by the projector service and by the rebuild command, so both
 * write exactly the same documents.
 */
export class Projector {
  projected = 0;
  /** Milliseconds spent so far reading the touched views, folding batches and writing them (for benchmarks and operators). */
  readonly stages = { load: 0, fold: 0, write: 0 };
  /** The last event projected of recent streams, for the link check (see `remember`). */
  private readonly heads = new Map<string, { seq: number; hash: string }>();

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
    for (const m of await this.projectEvents(events, records)) this.deps.warn(`integrity: ${m.kind} at ${escapeForLog(m.streamId ?? '')} #${m.seq}: ${escapeForLog(m.detail)}`);
    return letters;
  }

  /**
   * Projects events already validated (by the transport), then records how far the log was read.
   * Returns what did not link as it projected (ADR 0007): events are checked as written, against
   * their hash and the events stored before them; projecting goes on regardless.
   */
  async projectEvents(events: ActionEvent[], records: readonly DeliveredRecord[]): Promise<Mismatch[]> {
    const mismatches = await this.checkLinks(events);
    await this.write(events);
    await this.checkpoint(records);
    if (this.deps.checkLinks ?? this.deps.store.durable) this.remember(events);
    return mismatches;
  }

  /** One read of the stored rows the batch links to (its own seqs, to see a rewrite, and the seqs before them). */
  private async checkLinks(events: readonly ActionEvent[]): Promise<Mismatch[]> {
    if (events.length === 0 || !(this.deps.checkLinks ?? this.deps.store.durable)) return [];
    // What the batch's streams were last seen at: usually the predecessors, so nothing is read.
    const known = new Map(events.flatMap((e) => {
      const head = this.heads.get(e.streamId);
      return head ? [[e.streamId, head] as const] : [];
    }));
    const ids = linkIds(events, known);
    const stored = knownHashes(known);
    if (ids.length > 0) for (const r of await this.deps.store.collection<StoredEvent>(COLLECTIONS.events).find({ _id: { $in: ids } })) stored.set(r._id, r.hash);
    return checkEventLinks(events, stored);
  }

  /** Remembers each stream's last event once it is written (a bounded map: the oldest streams are forgotten first). */
  private remember(events: readonly ActionEvent[]): void {
    for (const e of events) {
      const head = this.heads.get(e.streamId);
      if (head && head.seq >= e.seq) continue;
      this.heads.delete(e.streamId);
      this.heads.set(e.streamId, { seq: e.seq, hash: e.hash });
      if (this.heads.size > HEADS_REMEMBERED) this.heads.delete(this.heads.keys().next().value!);
    }
  }

  private async checkpoint(records: readonly DeliveredRecord[]): Promise<void> {
    const next = new Map<string, ProjectorCheckpoint>();
    const updatedAt = this.deps.now().toISOString();
    for (const r of records) {
      const _id = `${r.topic}:${r.partition}`;
      const offset = Number(r.offset) + 1;
      if ((next.get(_id)?.offset ?? -1) < offset) next.set(_id, { _id, topic: r.topic, partition: r.partition, offset, updatedAt });
    }
    // Versioned by offset: a checkpoint never moves back, whatever order batches arrive in.
    if (next.size > 0) await this.deps.store.collection<ProjectorCheckpoint>(COLLECTIONS.checkpoints).putMany([...next.values()], { versionField: 'offset' });
  }

  /**
   * One read of the touched views, the batch folded in memory, then one versioned write per
   * collection: each touched document is written once per batch, and only over an older
   * version of it, so a redelivered, late or overlapping batch changes nothing.
   */
  private async write(all: ActionEvent[]): Promise<void> {
    // Requester ledgers (standing approvals, ADR 0004) have no action view: projected on their own.
    const ledgers = all.filter((e) => isStandingEventType(e.type));
    // Passkeys (ADR 0009) are in the principals' ledgers too, with a read model of their own.
    const passkeys = all.filter((e) => isPasskeyEventType(e.type));
    // Delegators' ledgers (ADR 0010) likewise.
    const delegations = all.filter((e) => isDelegationEventType(e.type));
    const events = ledgers.length + passkeys.length + delegations.length > 0
      ? all.filter((e) => !isStandingEventType(e.type) && !isPasskeyEventType(e.type) && !isDelegationEventType(e.type))
      : all;
    if (ledgers.length > 0) await this.writeStanding(ledgers);
    if (passkeys.length > 0) await this.writePasskeys(passkeys);
    if (delegations.length > 0) await this.writeDelegations(delegations);
    if (events.length === 0) return;
    const { store } = this.deps;
    const actions = store.collection<ActionView>(COLLECTIONS.actions);
    let started = performance.now();
    const ids = [...new Set(events.map((e) => e.streamId))];
    const stored = new Map((await actions.find({ _id: { $in: ids } })).map((view) => [view._id, view]));
    this.stages.load += performance.now() - started;
    started = performance.now();
    // Project the current shape; serve the chain as written (hashes cover the original shape).
    const asWritten = new Map(events.map((e) => [e.id, e]));
    const batch = await projectBatch(events.map(upcast), async (id) => stored.get(id));
    for (const orphan of batch.orphans) {
      this.deps.warn(`event ${orphan.type} #${orphan.seq} of ${escapeForLog(orphan.streamId)} has no proposal before it; skipped`);
    }
    const rows = batch.events.map((e) => asWritten.get(e.id)!).map((e) => ({ ...e, _id: auditEntryId(e.streamId, e.seq), eventId: e.id }) as StoredEvent);
    this.stages.fold += performance.now() - started;
    started = performance.now();
    // Events and audit rows are keyed by (streamId, seq), so versioned by seq they are written once.
    await Promise.all([
      store.collection<StoredEvent>(COLLECTIONS.events).putMany(rows, BY_SEQ),
      store.collection<AuditEntry>(COLLECTIONS.audit).putMany(batch.entries, BY_SEQ),
    ]);
    // Only events new to their action view: a redelivery is dropped there, and by event id here.
    const policies = store.collection<PolicyDocument>(COLLECTIONS.policies);
    const published = await projectPolicies(batch.events, (version) => policies.get(version));
    if (published.length > 0) await policies.putMany(published);
    // Actions last: a reader that sees the new action state can already read its audit rows.
    await actions.putMany([...batch.views.values()], { versionField: 'lastSeq' });
    this.stages.write += performance.now() - started;
    this.projected += batch.events.length;
  }

  /** Standing approvals (ADR 0004), by standing approval id. */
  private writeStanding(events: ActionEvent[]): Promise<void> {
    return this.writeLedger<StandingView>(events, COLLECTIONS.standing, (d) => d.standingId as string, projectStandingBatch, 'is about no standing approval granted before it');
  }

  /** Passkeys (ADR 0009), by principal and credential id. */
  private writePasskeys(events: ActionEvent[]): Promise<void> {
    return this.writeLedger<PasskeyView>(events, COLLECTIONS.passkeys, (d) => `${d.principal as string}:${d.credentialId as string}`, projectPasskeyBatch, 'is about no passkey registered before it');
  }

  /** Delegations (ADR 0010), by delegation id. */
  private writeDelegations(events: ActionEvent[]): Promise<void> {
    return this.writeLedger<DelegationView>(events, COLLECTIONS.delegations, (d) => d.delegationId as string, projectDelegationBatch, 'is about no delegation made before it');
  }

  /**
   * A ledger's events (standing approvals, passkeys, delegations: no action view), with their raw
   * rows and audit rows, and the ledger's own views: read once, folded, written once per batch,
   * versioned by seq like the actions'.
   */
  private async writeLedger<V extends { _id: string; lastSeq: number }>(
    events: ActionEvent[],
    collection: string,
    idOf: (data: Record<string, unknown>) => string,
    project: (events: ActionEvent[], load: (id: string) => Promise<V | undefined>) => Promise<LedgerBatch<V>>,
    orphanNote: string,
  ): Promise<void> {
    const { store } = this.deps;
    const views = store.collection<V>(collection);
    const ids = [...new Set(events.map((e) => idOf(e.data as unknown as Record<string, unknown>)))];
    const stored = new Map((await views.find({ _id: { $in: ids } })).map((view) => [view._id, view]));
    const asWritten = new Map(events.map((e) => [e.id, e]));
    const batch = await project(events.map(upcast), async (id) => stored.get(id));
    for (const orphan of batch.orphans ?? []) {
      this.deps.warn(`event ${orphan.type} #${orphan.seq} of ${escapeForLog(orphan.streamId)} ${orphanNote}; skipped`);
    }
    const rows = batch.events.map((e) => asWritten.get(e.id)!).map((e) => ({ ...e, _id: auditEntryId(e.streamId, e.seq), eventId: e.id }) as StoredEvent);
    await Promise.all([
      store.collection<StoredEvent>(COLLECTIONS.events).putMany(rows, BY_SEQ),
      store.collection<AuditEntry>(COLLECTIONS.audit).putMany(batch.entries, BY_SEQ),
    ]);
    await views.putMany([...batch.views.values()], { versionField: 'lastSeq' });
    this.projected += batch.events.length;
  }

  /** Drops every read model this projector writes (before a rebuild). */
  async dropAll(): Promise<void> {
    for (const name of Object.values(COLLECTIONS)) await this.deps.store.collection(name).drop();
  }
}

