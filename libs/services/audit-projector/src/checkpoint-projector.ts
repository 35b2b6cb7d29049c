import { auditEntryId, COLLECTIONS, signedCheckpointId, type ProjectorCheckpoint, type SignedCheckpointDoc, type StoredEvent } from '@countersign/audit';
import {
  describeErrors, readCheckpoint, TOPICS, validateCheckpointEvent, type CheckpointKeys, type CheckpointRead, type CheckpointSignedEvent,
  type IntegrityMismatchDetected,
} from '@countersign/contracts';
import type { DeliveredRecord, LogRecord } from '@countersign/eventlog';
import type { ReadModelStore } from '@countersign/readmodel';
import { deadLetterRecord } from '@countersign/runtime';
import { caughtUpWith, checkCheckpoint, checkHeads, type Mismatch, type StoredHashes } from './integrity.ts';

/** Pending checkpoints checked again after one batch of events, at most. */
const RECHECK_AT_ONCE = 100;

/** The consumer group that stores checkpoints (its own: one group per topic). */
export const CHECKPOINT_PROJECTOR_GROUP = 'audit-projector.checkpoints';

/**
 * How a stored checkpoint stands against what the projector stored: `verified` (signature, chain
 * and every listed head match), `pending` (some heads not projected yet: checked again as events
 * are projected), `mismatch` (raised), `unchecked` (this process has no checkpoint keys).
 */
export type CheckpointIntegrity = 'verified' | 'pending' | 'mismatch' | 'unchecked';

/** The stored document, with what the checks need later (SignedCheckpointDoc allows more fields). */
export type StoredCheckpoint = SignedCheckpointDoc & {
  /** checkpointHash of the payload, when the signature verified: the next checkpoint's `prev`. */
  hash?: string;
  positions: Record<string, number>;
  integrity: CheckpointIntegrity;
};

export interface CheckpointProjectorDeps {
  store: ReadModelStore;
  /** The checkpoint public keys; undefined: signatures are not checked here (and nothing is `verified`). */
  keys?: CheckpointKeys;
  now: () => Date;
  /** The group named in alerts as the one that found them. */
  detectedBy?: string;
}

/**
 * Stores CheckpointSigned events as SignedCheckpointDoc (idempotent by number) and checks each as
 * it is stored; what does not match comes back as IntegrityMismatchDetected records for the
 * caller to raise. Checkpoints ahead of projection are checked again by `recheck`.
 */
export class CheckpointProjector {
  /**
   * The numbers of the checkpoints left pending, so a recheck reads them by id. Those pending from
   * before this process are looked for once, at its first recheck (the only query by state).
   */
  private readonly pending = new Set<number>();
  private pendingLoaded = false;

  constructor(private readonly deps: CheckpointProjectorDeps) {}

  async project(events: readonly CheckpointSignedEvent[]): Promise<IntegrityMismatchDetected[]> {
    const docs = this.deps.store.collection<StoredCheckpoint>(COLLECTIONS.signedCheckpoints);
    const sorted = [...events].sort((a, b) => a.data.number - b.data.number);
    const known = new Map((await docs.find({ _id: { $in: sorted.map((e) => signedCheckpointId(e.data.number)) } })).map((d) => [d.number, d]));
    const written: StoredCheckpoint[] = [];
    const alerts: IntegrityMismatchDetected[] = [];
    for (const event of sorted) {
      const number = event.data.number;
      const before = known.get(number);
      // A redelivery of what is stored: checked already (or pending, for recheck to finish).
      if (before && before.event.hash === event.hash) continue;
      const read = this.deps.keys ? await readCheckpoint(event.data.checkpoint, this.deps.keys) : undefined;
      const previous = number > 1 ? known.get(number - 1) ?? await docs.get(signedCheckpointId(number - 1)) : undefined;
      const found = before
        ? [{ kind: 'checkpoint-chain', checkpoint: number, detail: `another checkpoint ${number} is stored already (event hash ${before.event.hash}); the log now has ${event.hash}` } as Mismatch]
        : checkCheckpoint(event, read, previous);
      const doc = stored(event, read);
      const heads = await this.checkHeads(doc);
      found.push(...heads.mismatches);
      doc.integrity = found.length > 0 ? 'mismatch' : heads.pending > 0 ? 'pending' : doc.integrity;
      if (heads.pending > 0 && doc.integrity === 'pending') this.pending.add(number);
      alerts.push(...found.map((m) => this.alert(m)));
      // A second checkpoint of a number never replaces the first: the alert says so.
      if (!before) {
        written.push(doc);
        known.set(number, doc);
      }
    }
    if (written.length > 0) await docs.putMany(written);
    return alerts;
  }

  /**
   * Projects raw records of the checkpoints topic (the rebuild command, which reads the log
   * itself): dead letters for the records that are not CheckpointSigned events, and the alerts.
   */
  async projectRecords(records: readonly DeliveredRecord[]): Promise<{ letters: LogRecord[]; alerts: IntegrityMismatchDetected[] }> {
    const letters: LogRecord[] = [];
    const events: CheckpointSignedEvent[] = [];
    for (const record of records) {
      const check = validateCheckpointEvent(record.value);
      if (check.ok) events.push(check.value);
      else letters.push(deadLetterRecord(this.deps.detectedBy ?? CHECKPOINT_PROJECTOR_GROUP, record, describeErrors(check.errors), this.deps.now()));
    }
    return { letters, alerts: await this.project(events) };
  }

  /** Checks the pending checkpoints again (after events were projected); returns what no longer matches. */
  async recheck(): Promise<IntegrityMismatchDetected[]> {
    const docs = this.deps.store.collection<StoredCheckpoint>(COLLECTIONS.signedCheckpoints);
    if (!this.pendingLoaded) {
      for (const doc of await docs.find({ integrity: 'pending' })) this.pending.add(doc.number);
      this.pendingLoaded = true;
    }
    if (this.pending.size === 0) return [];
    const alerts: IntegrityMismatchDetected[] = [];
    const changed: StoredCheckpoint[] = [];
    const batch = [...this.pending].sort((a, b) => a - b).slice(0, RECHECK_AT_ONCE);
    for (const doc of await docs.find({ _id: { $in: batch.map(signedCheckpointId) } })) {
      const heads = doc.integrity === 'pending' ? await this.checkHeads(doc) : { mismatches: [], pending: 0 };
      if (heads.mismatches.length === 0 && heads.pending > 0) continue;
      this.pending.delete(doc.number);
      if (doc.integrity !== 'pending') continue;
      alerts.push(...heads.mismatches.map((m) => this.alert(m)));
      changed.push({ ...doc, integrity: heads.mismatches.length > 0 ? 'mismatch' : this.deps.keys ? 'verified' : 'unchecked' });
    }
    if (changed.length > 0) await docs.putMany(changed);
    return alerts;
  }

  private async checkHeads(doc: StoredCheckpoint): Promise<{ mismatches: Mismatch[]; pending: number }> {
    const { changed } = doc.event.data;
    if (changed.length === 0) return { mismatches: [], pending: 0 };
    const events = this.deps.store.collection<StoredEvent>(COLLECTIONS.events);
    const rows = await events.find({ _id: { $in: changed.map((h) => auditEntryId(h.streamId, h.seq)) } });
    const hashes: StoredHashes = new Map(rows.map((r) => [r._id, r.hash]));
    const missing = changed.some((h) => !hashes.has(auditEntryId(h.streamId, h.seq)));
    const caughtUp = missing && caughtUpWith(doc.positions, await this.projected(), TOPICS.events);
    return checkHeads(doc.number, changed, hashes, caughtUp);
  }

  /** How far the projector has projected each partition of the events topic (`countersign.events:0` → next offset). */
  private async projected(): Promise<Map<string, number>> {
    const rows = await this.deps.store.collection<ProjectorCheckpoint>(COLLECTIONS.checkpoints).find({ topic: TOPICS.events });
    return new Map(rows.map((r) => [r._id, r.offset]));
  }

  private alert(m: Mismatch): IntegrityMismatchDetected {
    return { type: 'IntegrityMismatchDetected', at: this.deps.now().toISOString(), ...m, detectedBy: this.deps.detectedBy ?? CHECKPOINT_PROJECTOR_GROUP };
  }
}

/** The document of a checkpoint: what it says from its verified payload, or read unverified when it does not verify. */
function stored(event: CheckpointSignedEvent, read: CheckpointRead | undefined): StoredCheckpoint {
  const { number, root, streams } = event.data;
  const signed = read?.ok ? { payload: read.payload, kid: read.kid } : peek(event.data.checkpoint);
  return {
    _id: signedCheckpointId(number), number, root, streams,
    at: signed?.payload.at ?? event.occurredAt,
    kid: signed?.kid ?? '',
    event,
    ...(read?.ok ? { hash: read.hash } : {}),
    positions: signed?.payload.positions ?? {},
    integrity: read === undefined ? 'unchecked' : read.ok ? 'verified' : 'mismatch',
  };
}

/** The header's kid and the payload of a JWS, not verified (for a checkpoint stored without keys, or one that fails). */
function peek(jws: string): { kid: string; payload: { at: string; positions: Record<string, number> } } | undefined {
  try {
    const [header, payload] = jws.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    const at = typeof payload?.at === 'string' ? payload.at : undefined;
    const listed = payload?.positions && typeof payload.positions === 'object' ? Object.entries(payload.positions) : [];
    const positions = Object.fromEntries(listed.filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1])));
    return at && typeof header?.kid === 'string' ? { kid: header.kid, payload: { at, positions } } : undefined;
  } catch {
    return undefined;
  }
}
