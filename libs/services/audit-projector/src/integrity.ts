/**
 * What the projector checks as it projects (ADR 0007, issue 13: "the production shape's projector
 * verifies as it projects"). Pure: the caller reads the stored rows and the checkpoint's signature,
 * these say what does not match. Each mismatch becomes an IntegrityMismatchDetected record.
 */
import { auditEntryId } from '@countersign/audit';
import {
  computeEventHash, GENESIS_HASH, type CheckpointRead, type CheckpointSignedEvent, type EventEnvelope, type IntegrityMismatchKind, type StreamHead,
} from '@countersign/contracts';

export interface Mismatch {
  kind: IntegrityMismatchKind;
  checkpoint?: number;
  streamId?: string;
  seq?: number;
  detail: string;
}

/** What the projector stored of an event: enough to link the next one and compare a head. */
export type StoredHashes = ReadonlyMap<string, string>;

/** The last event seen of each stream (streamId → its seq and hash), as far as the caller remembers. */
export type KnownHeads = ReadonlyMap<string, { seq: number; hash: string }>;

/**
 * The stored rows a batch's link check needs: each event's predecessor, and the event's own seq
 * when it may be stored already (a redelivery, or a rewrite), except where `known` heads (what was
 * projected last of the stream) or the batch itself answer.
 */
export function linkIds(events: readonly Pick<EventEnvelope, 'streamId' | 'seq'>[], known: KnownHeads = new Map()): string[] {
  const ids = new Set<string>();
  const inBatch = new Set<string>();
  for (const e of events) {
    const head = known.get(e.streamId);
    if (!head || (head.seq >= e.seq && head.seq !== e.seq)) ids.add(auditEntryId(e.streamId, e.seq));
    const prev = auditEntryId(e.streamId, e.seq - 1);
    if (e.seq > 1 && !inBatch.has(prev) && head?.seq !== e.seq - 1) ids.add(prev);
    inBatch.add(auditEntryId(e.streamId, e.seq));
  }
  return [...ids];
}

/** `known` heads as stored hashes, for checkEventLinks. */
export function knownHashes(known: KnownHeads): Map<string, string> {
  return new Map([...known].map(([streamId, h]) => [auditEntryId(streamId, h.seq), h.hash]));
}

/**
 * Events as written on the log, against their own hash and the event before them in their stream
 * (earlier in the batch, or stored): an edited event, a prevHash that does not link, or a second,
 * different event at a seq already stored (the log was rewritten under the projector). What is
 * not stored (a projector that starts mid-stream) is not judged.
 */
export function checkEventLinks(events: readonly EventEnvelope[], stored: StoredHashes): Mismatch[] {
  const found: Mismatch[] = [];
  const seen = new Map<string, string>();
  for (const e of events) {
    const at = { streamId: e.streamId, seq: e.seq };
    const id = auditEntryId(e.streamId, e.seq);
    if (computeEventHash(e) !== e.hash) found.push({ kind: 'event-edited', ...at, detail: 'the hash does not match the content' });
    const before = stored.get(id);
    if (before !== undefined && before !== e.hash) {
      found.push({ kind: 'chain-broken', ...at, detail: `another event is stored at this seq (hash ${before}); the log now has ${e.hash}` });
    }
    const prevId = auditEntryId(e.streamId, e.seq - 1);
    const prev = e.seq === 1 ? GENESIS_HASH : seen.get(prevId) ?? stored.get(prevId);
    if (prev !== undefined && e.prevHash !== prev) {
      found.push({ kind: 'chain-broken', ...at, detail: `prevHash does not link to ${e.seq === 1 ? 'the genesis hash' : `seq ${e.seq - 1}`} (an event inserted or replaced)` });
    }
    seen.set(id, e.hash);
  }
  return found;
}

/** The stored checkpoint before this one, as the chain check needs it. */
export interface PreviousCheckpoint {
  number: number;
  /** checkpointHash of its payload, when its signature verified. */
  hash?: string;
}

/**
 * A checkpoint on its own and against the one before it: the signature under the known keys
 * (`read`; undefined when this process has no keys to check with), the event's data against the
 * signed payload, and `number`/`prev` following the previous stored checkpoint.
 */
export function checkCheckpoint(event: CheckpointSignedEvent, read: CheckpointRead | undefined, previous: PreviousCheckpoint | undefined): Mismatch[] {
  const { data } = event;
  const checkpoint = data.number;
  const found: Mismatch[] = [];
  if (read && !read.ok) found.push({ kind: 'checkpoint-signature', checkpoint, detail: `${read.failure}: ${read.detail}` });
  if (read?.ok) {
    const p = read.payload;
    const differ = (['number', 'root', 'streams', 'prev'] as const).filter((k) => p[k] !== data[k]);
    if (differ.length > 0) found.push({ kind: 'checkpoint-data', checkpoint, detail: `the event's ${differ.join(', ')} differ from the signed payload's` });
  }
  if (checkpoint === 1) {
    if (data.prev !== GENESIS_HASH) found.push({ kind: 'checkpoint-chain', checkpoint, detail: 'checkpoint 1 does not start from the genesis hash' });
  } else if (!previous || previous.number !== checkpoint - 1) {
    found.push({ kind: 'checkpoint-chain', checkpoint, detail: `checkpoint ${checkpoint - 1} was never stored before it: a checkpoint is missing` });
  } else if (previous.hash !== undefined && data.prev !== previous.hash) {
    found.push({ kind: 'checkpoint-chain', checkpoint, detail: `prev does not match the hash of checkpoint ${checkpoint - 1}` });
  }
  return found;
}

/**
 * The heads a checkpoint lists against the events stored at them. A head the projector has not
 * stored is pending while the projector has not read as far as the checkpoint did (`caughtUp`
 * false): the checkpoint is ahead of projection, to be checked again later. Once it has, the head
 * is missing: a deleted or truncated stream.
 */
export function checkHeads(checkpoint: number, changed: readonly StreamHead[], stored: StoredHashes, caughtUp: boolean): { mismatches: Mismatch[]; pending: number } {
  const mismatches: Mismatch[] = [];
  let pending = 0;
  for (const h of changed) {
    const hash = stored.get(auditEntryId(h.streamId, h.seq));
    const at = { checkpoint, streamId: h.streamId, seq: h.seq };
    if (hash === h.hash) continue;
    if (hash !== undefined) {
      mismatches.push({ kind: 'head-mismatch', ...at, detail: `the event stored at seq ${h.seq} is not the one checkpoint ${checkpoint} covered: an event up to it was changed and the hashes recomputed` });
    } else if (caughtUp) {
      mismatches.push({ kind: 'head-missing', ...at, detail: `checkpoint ${checkpoint} covered seq ${h.seq}, which the log no longer has: a deleted or truncated stream` });
    } else {
      pending += 1;
    }
  }
  return { mismatches, pending };
}

/**
 * Whether the projector has read every partition as far as the checkpoint's signer had
 * (`positions`, e.g. `"countersign.events/0": 1234`, the next offset to read, against the
 * projector's own `countersign.events:0` positions). A position of another topic is not ours to
 * judge; a checkpoint with none of this topic never counts as caught up with (no false alarms).
 */
export function caughtUpWith(positions: Readonly<Record<string, number>>, projected: ReadonlyMap<string, number>, topic: string): boolean {
  let known = false;
  for (const [position, offset] of Object.entries(positions)) {
    const slash = position.lastIndexOf('/');
    if (position.slice(0, slash) !== topic) continue;
    known = true;
    if ((projected.get(`${topic}:${position.slice(slash + 1)}`) ?? 0) < offset) return false;
  }
  // Without a position of the topic there is no telling a deleted head from one not read yet.
  return known;
}
