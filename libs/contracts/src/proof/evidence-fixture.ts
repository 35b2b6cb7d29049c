/**
 * Test fixture (not exported from the package): a log as a checkpoint writer would leave it, the
 * events of several streams and the CheckpointSigned envelopes committing to their heads, under
 * two keys with adjacent validity windows (a rotation). Tests tamper with copies of it.
 */
import { generateKeyPair, type CryptoKey } from 'jose';
import { GENESIS_HASH, type EventEnvelope } from '../envelope.ts';
import { computeEventHash, contentHash, sealEvents } from '../hash-chain.ts';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM_ID, type CheckpointSignedData } from './checkpoint-event.ts';
import { checkpointHash, signCheckpoint, type CheckpointKey, type CheckpointPayload } from './checkpoint.ts';
import { headsRoot, type StreamHead } from './merkle.ts';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const minute = (n: number) => new Date(T0 + n * 60_000).toISOString();

export interface FixtureKeys {
  keys: Map<string, CheckpointKey>;
  signers: Record<string, CryptoKey>;
}

/** Key `cp-a` valid from T0 until `rotation`, `cp-b` from `rotation` on (extractable: to write them to a key file). */
export async function rotatingKeys(rotation = minute(30), options: { extractable?: boolean } = {}): Promise<FixtureKeys> {
  const generate = () => generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: options.extractable ?? false });
  const [a, b] = await Promise.all([generate(), generate()]);
  return {
    keys: new Map([
      ['cp-a', { publicKey: a.publicKey, notBefore: minute(0), notAfter: rotation }],
      ['cp-b', { publicKey: b.publicKey, notBefore: rotation }],
    ]),
    signers: { 'cp-a': a.privateKey, 'cp-b': b.privateKey },
  };
}

const actor = { id: 'alice', kind: 'human' as const };

/** Writes events and checkpoints in the order a writer would; `events` and `checkpoints` are what a log holds. */
export class EvidenceWriter {
  readonly events: EventEnvelope[] = [];
  readonly checkpoints: EventEnvelope[] = [];
  private readonly heads = new Map<string, StreamHead>();
  private committed = new Map<string, StreamHead>();
  private prev: CheckpointPayload | undefined;
  private ids = 0;

  constructor(private readonly fixture: FixtureKeys, readonly log = 'test') {}

  write(streamId: string, n = 1): EventEnvelope[] {
    const head = this.heads.get(streamId);
    const drafts = Array.from({ length: n }, () => ({ type: 'ActionCancelled', actor, data: { rule: 'r', policyVersion: 'v', paramsHash: contentHash({}), reason: `r${this.ids}`, cancelledBy: 'alice' } }));
    const sealed = sealEvents(drafts, {
      streamId, causationId: 'c', correlationId: streamId, now: () => new Date(T0), newId: () => `e-${this.ids++}`,
      ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}),
    });
    this.events.push(...sealed);
    const last = sealed.at(-1)!;
    this.heads.set(streamId, { streamId, seq: last.seq, hash: last.hash });
    return sealed;
  }

  /** Signs a checkpoint at minute `at` with the key valid then (or `kid`), listing the heads that changed. */
  async checkpoint(at: number, kid = this.kidAt(minute(at))): Promise<CheckpointPayload> {
    const payload: CheckpointPayload = {
      v: 1, log: this.log, number: (this.prev?.number ?? 0) + 1, at: minute(at), streams: this.heads.size, root: headsRoot(this.heads.values()),
      positions: { 'countersign.events/0': this.events.length }, prev: this.prev ? checkpointHash(this.prev) : GENESIS_HASH,
    };
    const changed = [...this.heads.values()].filter((h) => this.committed.get(h.streamId)?.hash !== h.hash);
    const jws = await signCheckpoint(payload, { kid, privateKey: this.fixture.signers[kid] });
    this.checkpoints.push(checkpointEnvelope(this.checkpoints.at(-1), { checkpoint: jws, number: payload.number, root: payload.root, streams: payload.streams, prev: payload.prev, changed }));
    this.committed = new Map(this.heads);
    this.prev = payload;
    return payload;
  }

  /** Every stream's head as the last checkpoint committed it. */
  committedHeads(): Map<string, StreamHead> {
    return new Map(this.committed);
  }

  private kidAt(at: string): string {
    const found = [...this.fixture.keys].find(([, k]) => at >= k.notBefore && (k.notAfter === undefined || at < k.notAfter));
    if (!found) throw new RangeError(`no key is valid at ${at}`);
    return found[0];
  }
}

/** The CheckpointSigned envelope after `previous` in the stream `countersign.checkpoints`. */
export function checkpointEnvelope(previous: EventEnvelope | undefined, data: CheckpointSignedData): EventEnvelope {
  return sealEvents([{ type: CHECKPOINT_SIGNED, actor: { id: 'audit-projector', kind: 'service' }, data }], {
    streamId: CHECKPOINT_STREAM_ID, causationId: 'checkpointer', correlationId: CHECKPOINT_STREAM_ID, now: () => new Date(T0), newId: () => `cp-${(previous?.seq ?? 0) + 1}`,
    ...(previous ? { head: { seq: previous.seq, hash: previous.hash } } : {}),
  })[0];
}

/**
 * Recomputes the chain of `events` (one stream's, in order) from the first one's prevHash on: what
 * an attacker who can write the log does after an edit so that every link holds again.
 */
export function rechain(events: EventEnvelope[]): void {
  let prevHash = events[0]?.prevHash ?? GENESIS_HASH;
  for (const e of events) {
    e.prevHash = prevHash;
    e.hash = computeEventHash(e);
    prevHash = e.hash;
  }
}

/** Renumbers and rechains a stream's events from seq 1: an attacker covering a deletion. */
export function renumber(events: EventEnvelope[]): void {
  events.forEach((e, i) => (e.seq = i + 1));
  if (events[0]) events[0].prevHash = GENESIS_HASH;
  rechain(events);
}

export const payloadOf = (jws: string): CheckpointPayload => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as CheckpointPayload;

export interface EvidenceLog {
  events: EventEnvelope[];
  checkpoints: EventEnvelope[];
}

/** Replaces checkpoint `n`'s JWS (and its record's copies of the numbers), rechaining the checkpoints as a writer of the log could. */
export async function resign(log: EvidenceLog, n: number, kid: string, privateKey: CryptoKey, edit: Partial<CheckpointPayload> = {}): Promise<EvidenceLog> {
  const data = log.checkpoints[n - 1].data as CheckpointSignedData;
  const payload = { ...payloadOf(data.checkpoint), ...edit };
  return replaceCheckpointData(log, n, { ...data, checkpoint: await signCheckpoint(payload, { kid, privateKey }), root: payload.root, streams: payload.streams, prev: payload.prev });
}

/** A copy of the log with checkpoint `n`'s data replaced, the checkpoints' chain recomputed from it on. */
export function replaceCheckpointData(log: EvidenceLog, n: number, data: CheckpointSignedData): EvidenceLog {
  const checkpoints: EventEnvelope[] = structuredClone(log.checkpoints.slice(0, n - 1));
  for (const [i, c] of log.checkpoints.entries()) {
    if (i >= n - 1) checkpoints.push(checkpointEnvelope(checkpoints.at(-1), structuredClone(i === n - 1 ? data : (c.data as CheckpointSignedData))));
  }
  return { ...log, checkpoints };
}
