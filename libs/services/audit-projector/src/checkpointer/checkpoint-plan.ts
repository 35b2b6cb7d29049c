/**
 * The checkpointer's pure part (ADR 0007): which heads changed since the last checkpoint, the
 * payloads that commit to them (split when too many changed), the CheckpointSigned events that
 * carry them, and what a CheckpointSigned read back from the log says about the chain so far.
 */
import {
  checkpointHash, CHECKPOINT_SIGNED, CHECKPOINT_STREAM_ID, GENESIS_HASH, headsRoot, MAX_CHANGED_HEADS, sealEvents, sha256Hex,
  type Actor, type CheckpointPayload, type CheckpointSignedData, type CheckpointSignedEvent, type StreamHead,
} from '@countersign/contracts';

export type Head = { seq: number; hash: string };
export type Heads = ReadonlyMap<string, Head>;

/** Where the chain of checkpoints stands: number 0 and genesis hashes before the first. */
export interface LastCheckpoint {
  number: number;
  /** checkpointHash of its payload: the next payload's `prev`. */
  payloadHash: string;
  /** Its event's hash in the checkpoints stream: the next event's `prevHash`. */
  eventHash: string;
}

export const NO_CHECKPOINT: LastCheckpoint = { number: 0, payloadHash: GENESIS_HASH, eventHash: GENESIS_HASH };
export const CHECKPOINTER: Actor = { id: 'checkpointer', kind: 'service' };

/** Heads seen further than the last checkpoint committed them (or not committed at all), by stream id. */
export function changedHeads(seen: Heads, committed: Heads): StreamHead[] {
  const changed: StreamHead[] = [];
  for (const [streamId, head] of seen) {
    const before = committed.get(streamId);
    if (!before || head.seq > before.seq) changed.push({ streamId, seq: head.seq, hash: head.hash });
  }
  return changed.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
}

export interface PlanInput {
  last: LastCheckpoint;
  committed: Heads;
  seen: Heads;
  /** ISO-8601 UTC with milliseconds (toISOString). */
  at: string;
  log: string;
  positions: Record<string, number>;
  maxChanged?: number;
  /** About how many bytes of changed heads one checkpoint lists at most (default 512 KiB). */
  maxChangedBytes?: number;
  /**
   * The committed heads' tree, kept between rounds (an AccumulatedRoot): each changed head is set
   * into it and its root read, instead of a root over every head built anew (~10× the time at
   * 100,000 streams, on the thread that serves). Moved on by the plan: a caller whose round fails
   * rebuilds it from the committed heads.
   */
  roots?: { set(head: StreamHead): void; root(): string; readonly size: number };
}

/**
 * A record under Kafka's default message size (1 MB) whatever the stream ids: 10,000 heads of
 * action ids are ~1.4 MB, so the bytes bound splits first.
 */
export const MAX_CHANGED_BYTES = 512 * 1024;
/** A head's JSON beside its stream id: `{"streamId":"","seq":…,"hash":"<64 hex>"}`. */
const HEAD_OVERHEAD_BYTES = 100;

export interface PlannedCheckpoint {
  payload: CheckpointPayload;
  changed: StreamHead[];
}

/**
 * The next checkpoints, none when no head moved. Each commits to every head known by then (the
 * committed ones moved forward by the changes, so no head ever goes back, even when this process
 * has not yet re-read all of the log), and lists at most `maxChanged` of the changes: more
 * changes give several consecutive checkpoints, chained, the last covering them all.
 */
export function planCheckpoints(input: PlanInput): PlannedCheckpoint[] {
  const changed = changedHeads(input.seen, input.committed);
  const roots = input.roots ?? new HeadsRoot(input.committed);
  const planned: PlannedCheckpoint[] = [];
  let { number, payloadHash: prev } = input.last;
  for (const chunk of chunks(changed, input.maxChanged ?? MAX_CHANGED_HEADS, input.maxChangedBytes ?? MAX_CHANGED_BYTES)) {
    for (const h of chunk) roots.set(h);
    number += 1;
    const root = roots.root();
    const payload: CheckpointPayload = { v: 1, log: input.log, number, at: input.at, streams: roots.size, positions: input.positions, prev, root };
    planned.push({ payload, changed: chunk });
    prev = checkpointHash(payload);
  }
  return planned;
}

/** Without a kept tree: every head, the root built anew each time (headsRoot). */
class HeadsRoot {
  private readonly all: Map<string, Head>;
  constructor(committed: Heads) {
    this.all = new Map(committed);
  }
  get size(): number {
    return this.all.size;
  }
  set(h: StreamHead): void {
    this.all.set(h.streamId, { seq: h.seq, hash: h.hash });
  }
  root(): string {
    return headsRoot([...this.all].map(([streamId, h]) => ({ streamId, seq: h.seq, hash: h.hash })));
  }
}

/** Consecutive runs of at most `max` heads and about `maxBytes` bytes (at least one head each). */
function* chunks(heads: readonly StreamHead[], max: number, maxBytes: number): Generator<StreamHead[]> {
  let chunk: StreamHead[] = [];
  let bytes = 0;
  for (const h of heads) {
    const size = h.streamId.length + HEAD_OVERHEAD_BYTES;
    if (chunk.length > 0 && (chunk.length >= max || bytes + size > maxBytes)) {
      yield chunk;
      [chunk, bytes] = [[], 0];
    }
    chunk.push(h);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * The CheckpointSigned events of signed checkpoints, chained after `last` in the checkpoints
 * stream (seq = number). `causationId` is the request that asked for them, or their own id.
 */
export function checkpointEvents(
  signed: ReadonlyArray<PlannedCheckpoint & { jws: string }>,
  last: LastCheckpoint,
  ids: { newId: () => string; causationId?: string },
): CheckpointSignedEvent[] {
  const events: CheckpointSignedEvent[] = [];
  let head = last.number === 0 ? undefined : { seq: last.number, hash: last.eventHash };
  for (const c of signed) {
    const data: CheckpointSignedData = {
      checkpoint: c.jws, number: c.payload.number, root: c.payload.root, streams: c.payload.streams, prev: c.payload.prev, changed: c.changed,
    };
    const id = ids.newId();
    const [event] = sealEvents([{ type: CHECKPOINT_SIGNED, data, actor: CHECKPOINTER }], {
      streamId: CHECKPOINT_STREAM_ID, head, causationId: ids.causationId ?? id, correlationId: ids.causationId ?? id,
      now: () => new Date(c.payload.at), newId: () => id,
    });
    events.push(event as CheckpointSignedEvent);
    head = { seq: event.seq, hash: event.hash };
  }
  return events;
}

/**
 * What a CheckpointSigned event read back from the log continues the chain with. The payload's
 * hash is that of the JWS payload's bytes, which are the payload's canonical JSON (signCheckpoint).
 * Its signature is not checked: the checkpointer trusts its own topic, verifiers do not.
 */
export function lastOf(event: CheckpointSignedEvent): LastCheckpoint {
  const payload = Buffer.from(event.data.checkpoint.split('.')[1] ?? '', 'base64url').toString('utf8');
  return { number: event.data.number, payloadHash: sha256Hex(payload), eventHash: event.hash };
}
