/**
 * What the offline verifier reports (verify-evidence.ts) and the pieces of it that do not depend
 * on where the log was read from: a bounded list of findings, and one event's check against its
 * own hash and its stream's previous event.
 *
 * There was a log-order verifier here (events and checkpoints interleaved as one log): no log has
 * one order (the events topic is partitioned, the checkpoints have their own topic, a bundle is
 * grouped by stream), so ADR 0007 verifies independently of order and this keeps only the shared
 * vocabulary.
 */
import { GENESIS_HASH, type EventEnvelope } from '../envelope.ts';
import { computeEventHash } from '../hash-chain.ts';
import type { CheckpointFailure, CheckpointPayload } from './checkpoint.ts';

export type FindingCode =
  | 'event-malformed' | 'event-edited' | 'chain-broken' | 'head-mismatch' | 'stream-deleted' | 'truncated'
  | 'checkpoint-forged' | 'checkpoint-chain-broken' | 'checkpoint-inconsistent' | 'heads-unproven'
  | 'key-outside-validity' | 'unknown-key' | 'uncovered-tail';

export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning';
  streamId?: string;
  seq?: number;
  /** The checkpoint it concerns, by number (its seq in the stream `countersign.checkpoints`). */
  checkpoint?: number;
  detail: string;
}

export interface LogVerdict {
  verdict: 'verified' | 'failed';
  findings: Finding[];
  /** Findings left out once `findings` held the bound (a log tampered everywhere stays bounded). */
  omitted?: number;
  /** Events at or before the head the last checkpoint committed to for their stream: under a signature. */
  covered: { events: number; streams: number };
  /** Chain-checked only: events after their stream's committed head, and `streams` no checkpoint covers. */
  tail: { events: number; streams: number };
  /** The last checkpoint whose signature verified, if any, and the key that signed it. */
  checkpoint?: CheckpointPayload;
  kid?: string;
}

/** At most `max` findings are kept; the rest are counted. */
export class FindingList {
  readonly list: Finding[] = [];
  omitted = 0;
  constructor(private readonly max: number) {}

  add(finding: Finding): void {
    if (this.list.length < this.max) this.list.push(finding);
    else this.omitted += 1;
  }

  error(code: FindingCode, detail: string, at: { streamId?: string; seq?: number; checkpoint?: number } = {}): void {
    this.add({ code, severity: 'error', ...definedOnly(at), detail });
  }

  get failed(): boolean {
    return this.list.some((f) => f.severity === 'error') || this.omitted > 0;
  }
}

export interface Head {
  seq: number;
  hash: string;
}

/**
 * One event against its own hash and its stream's previous event (`head`, absent before seq 1).
 * Returns the new head: the event's, whatever was wrong, so one fault is one finding. `chain`: the
 * code a broken link is reported under (the checkpoints' own stream has its own).
 */
export function checkEvent(e: EventEnvelope, head: Head | undefined, findings: FindingList, chain: { code: FindingCode; checkpoint?: number } = { code: 'chain-broken' }): Head {
  const at = { streamId: e.streamId, seq: e.seq, checkpoint: chain.checkpoint };
  let hash: string | undefined;
  try {
    hash = computeEventHash(e);
  } catch {
    findings.error('event-malformed', 'it cannot be hashed (a value canonical JSON cannot represent)', at);
  }
  if (hash !== undefined && hash !== e.hash) findings.error('event-edited', 'the hash does not match the content', at);
  const before = head ?? { seq: 0, hash: GENESIS_HASH };
  if (e.seq !== before.seq + 1) {
    const why = e.seq > before.seq + 1 ? `seq ${before.seq + 1}–${e.seq - 1} missing (deleted)` : 'out of order (reordered or inserted)';
    findings.error(chain.code, `seq ${e.seq} follows seq ${before.seq}: ${why}`, at);
  } else if (e.prevHash !== before.hash) {
    findings.error(chain.code, `prevHash does not link to seq ${before.seq} (an event inserted or replaced)`, at);
  }
  return { seq: e.seq, hash: e.hash };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Whether a value read from a log has the envelope's fields the verifier relies on, so hashing
 * it is safe: an object with a stream id, a positive seq and two SHA-256 hex digests. The rest
 * of the envelope is covered by its hash.
 */
export function envelopeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (typeof e.streamId !== 'string' || e.streamId.length === 0 || e.streamId.length > 512) return 'streamId is not a string of 1-512 characters';
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 1) return 'seq is not a positive integer';
  if (typeof e.hash !== 'string' || !HEX64.test(e.hash)) return 'hash is not a SHA-256 hex digest';
  if (typeof e.prevHash !== 'string' || !HEX64.test(e.prevHash)) return 'prevHash is not a SHA-256 hex digest';
  return undefined;
}

/** The finding a checkpoint that fails to read is: its key's problems by name, anything else forged. */
export function checkpointFailureCode(failure: CheckpointFailure): FindingCode {
  return failure === 'unknown-key' || failure === 'key-outside-validity' ? failure : 'checkpoint-forged';
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
