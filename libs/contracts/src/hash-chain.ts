import { createHash, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, type EventDraft, type EventEnvelope } from './envelope.ts';
import { CURRENT_SCHEMA_VERSION } from './events.ts';

/** RFC 8785 (JCS) canonical JSON. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Whether two SHA-256 hex digests are equal, in time that does not depend on where they differ
 * (API key checks). Digests of another length are simply unequal.
 */
export function sameDigest(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

/** Hash of a value's canonical JSON: the binding between an approval and what it approves. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** hash = SHA-256(prevHash ‖ canonical JSON of the envelope without `hash`). */
export function computeEventHash(event: Omit<EventEnvelope, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = event;
  return sha256Hex(rest.prevHash + canonicalJson(rest));
}

export interface SealContext {
  streamId: string;
  /** The last sealed event of the stream, if any. */
  head?: { seq: number; hash: string };
  causationId: string;
  correlationId: string;
  traceparent?: string;
  /** Clock and id source are passed in so sealing stays deterministic in tests. */
  now: () => Date;
  newId: () => string;
}

/** Turns drafts into chained envelopes, continuing from the stream's head. */
export function sealEvents(drafts: readonly EventDraft[], ctx: SealContext): EventEnvelope[] {
  let seq = ctx.head?.seq ?? 0;
  let prevHash = ctx.head?.hash ?? GENESIS_HASH;
  return drafts.map((draft) => {
    seq += 1;
    const unsealed = {
      id: ctx.newId(),
      type: draft.type,
      schemaVersion: CURRENT_SCHEMA_VERSION,
      streamId: ctx.streamId,
      seq,
      occurredAt: ctx.now().toISOString(),
      actor: draft.actor,
      causationId: ctx.causationId,
      correlationId: ctx.correlationId,
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
      prevHash,
      data: draft.data,
    };
    const hash = computeEventHash(unsealed);
    prevHash = hash;
    return { ...unsealed, hash };
  });
}

export type ChainCheck = { ok: true; head?: { seq: number; hash: string } } | { ok: false; seq: number; problem: string };

/** Verifies seq continuity, prevHash links and every hash of one stream's events, in order. */
export function verifyChain(events: readonly EventEnvelope[]): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq) return { ok: false, seq: e.seq, problem: `expected seq ${expectedSeq}, found ${e.seq}` };
    if (e.prevHash !== prev) return { ok: false, seq: e.seq, problem: 'prevHash does not match the previous event' };
    if (computeEventHash(e) !== e.hash) return { ok: false, seq: e.seq, problem: 'hash does not match the content' };
    prev = e.hash;
    expectedSeq += 1;
  }
  const last = events.at(-1);
  return { ok: true, head: last ? { seq: last.seq, hash: last.hash } : undefined };
}
