/**
 * The offline verifier's core: one pass over a log's events and checkpoints in log order, trusting
 * nothing but the checkpoint keys. Pure: the caller reads the files or topic and feeds the entries.
 *
 * "What checkpoint k covers" is decided by log order: for every stream, its last event before the
 * checkpoint entry. So the writer must append a checkpoint after every event it covers and before
 * any it does not (one writer per log, or positions read before signing). Heads are kept
 * incrementally, so the pass is O(events + checkpoints × streams).
 */
import { GENESIS_HASH, type EventEnvelope } from '../envelope.ts';
import { computeEventHash } from '../hash-chain.ts';
import { readCheckpoint, type CheckpointKeys, type CheckpointPayload } from './checkpoint.ts';
import { headsRoot, type StreamHead } from './merkle.ts';

export type LogEntry =
  | { kind: 'event'; event: EventEnvelope }
  /** `changed`: the heads listed with the checkpoint (CheckpointSigned's `changed`), if the log has them. */
  | { kind: 'checkpoint'; jws: string; changed?: readonly StreamHead[] };

export type FindingCode =
  | 'event-edited' | 'chain-broken' | 'head-mismatch' | 'stream-deleted' | 'truncated' | 'root-mismatch'
  | 'checkpoint-forged' | 'checkpoint-chain-broken' | 'checkpoint-inconsistent' | 'heads-unproven'
  | 'key-outside-validity' | 'unknown-key' | 'uncovered-tail';

export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning';
  streamId?: string;
  seq?: number;
  /** The checkpoint entry it concerns: 1 for the first checkpoint in the input, and so on. */
  checkpoint?: number;
  detail: string;
}

export interface LogVerdict {
  verdict: 'verified' | 'failed';
  findings: Finding[];
  /** Up to the last checkpoint that verified: under a signature. */
  covered: { events: number; streams: number };
  /** After it: chain-checked only. `streams`: streams that first appear after it. */
  tail: { events: number; streams: number };
  /** The last checkpoint that verified, if any. */
  checkpoint?: CheckpointPayload;
}

export interface VerifyLogInput {
  entries: Iterable<LogEntry> | AsyncIterable<LogEntry>;
  keys: CheckpointKeys;
  /** When set, a checkpoint of another log is forged. */
  log?: string;
}

type Head = { seq: number; hash: string };

export async function verifyLog(input: VerifyLogInput): Promise<LogVerdict> {
  const findings: Finding[] = [];
  const heads = new Map<string, Head>();
  let events = 0;
  let ordinal = 0;
  let last: { payload: CheckpointPayload; hash: string; events: number; streams: number } | undefined;
  // The heads checkpoints committed to, accumulated from `changed`; undefined once unproven.
  let committed: Map<string, Head> | undefined = new Map();

  for await (const entry of input.entries) {
    if (entry.kind === 'event') {
      events += 1;
      checkEvent(entry.event, heads, findings);
      continue;
    }
    ordinal += 1;
    const checkpoint = ordinal;
    const add = (code: FindingCode, detail: string, at: { streamId?: string; seq?: number } = {}) =>
      findings.push({ code, severity: 'error', ...at, checkpoint, detail });
    const read = await readCheckpoint(entry.jws, input.keys, input.log === undefined ? {} : { log: input.log });
    if (!read.ok) {
      const code = read.failure === 'unknown-key' || read.failure === 'key-outside-validity' ? read.failure : 'checkpoint-forged';
      add(code, `${read.failure}: ${read.detail}`);
      committed = undefined; // its `changed` heads are lost to the accumulation
      continue;
    }
    const p = read.payload;
    const expected = last ? { number: last.payload.number + 1, prev: last.hash } : { number: 1, prev: GENESIS_HASH };
    if (p.number !== expected.number) add('checkpoint-chain-broken', `number ${p.number} where ${expected.number} was due: a checkpoint is missing or repeated`);
    if (p.prev !== expected.prev) add('checkpoint-chain-broken', `prev does not match the hash of ${last ? `checkpoint ${last.payload.number}` : 'genesis'}`);
    if (last && p.at < last.payload.at) add('checkpoint-chain-broken', `at ${p.at} goes back from ${last.payload.at}`);
    if (last) {
      for (const [position, value] of Object.entries(last.payload.positions)) {
        if ((p.positions[position] ?? -1) < value) add('checkpoint-inconsistent', `position ${position} goes back from ${value} to ${p.positions[position] ?? 'absent'}`);
      }
    }
    committed = entry.changed && committed ? accumulate(committed, entry.changed, p, add) : undefined;
    const root = headsRoot([...heads].map(([streamId, h]) => ({ streamId, ...h })));
    if (root !== p.root) diagnose(p, heads, committed, add);
    last = { payload: p, hash: read.hash, events, streams: heads.size };
  }

  const covered = { events: last?.events ?? 0, streams: last?.streams ?? 0 };
  const tail = { events: events - covered.events, streams: heads.size - covered.streams };
  if (tail.events > 0) {
    findings.push({
      code: 'uncovered-tail', severity: 'warning',
      detail: `${tail.events} events (${tail.streams} streams new) after ${last ? `checkpoint ${last.payload.number}` : 'the start: no checkpoint verified'} are chain-checked but not under a signature`,
    });
  }
  const verdict = findings.some((f) => f.severity === 'error') ? 'failed' : 'verified';
  return { verdict, findings, covered, tail, ...(last ? { checkpoint: last.payload } : {}) };
}

/** One event against its own hash and its stream's previous event; the head moves on regardless, so one fault is one finding. */
function checkEvent(e: EventEnvelope, heads: Map<string, Head>, findings: Finding[]): void {
  const at = { streamId: e.streamId, seq: e.seq };
  if (computeEventHash(e) !== e.hash) findings.push({ code: 'event-edited', severity: 'error', ...at, detail: 'the hash does not match the content' });
  const head = heads.get(e.streamId) ?? { seq: 0, hash: GENESIS_HASH };
  if (e.seq !== head.seq + 1) {
    const why = e.seq > head.seq + 1 ? `seq ${head.seq + 1}–${e.seq - 1} missing (deleted)` : 'out of order (reordered or inserted)';
    findings.push({ code: 'chain-broken', severity: 'error', ...at, detail: `seq ${e.seq} follows seq ${head.seq}: ${why}` });
  } else if (e.prevHash !== head.hash) {
    findings.push({ code: 'chain-broken', severity: 'error', ...at, detail: `prevHash does not link to seq ${head.seq} (an event inserted or replaced)` });
  }
  heads.set(e.streamId, { seq: e.seq, hash: e.hash });
}

type Add = (code: FindingCode, detail: string, at?: { streamId?: string; seq?: number }) => void;

/** The committed heads after this checkpoint, if its listed changes give its signed root; a head never goes back. */
function accumulate(before: Map<string, Head>, changed: readonly StreamHead[], p: CheckpointPayload, add: Add): Map<string, Head> | undefined {
  const next = new Map(before);
  for (const c of changed) {
    const old = next.get(c.streamId);
    if (old && (c.seq < old.seq || (c.seq === old.seq && c.hash !== old.hash))) {
      add('checkpoint-inconsistent', `head goes from seq ${old.seq} back to seq ${c.seq}, or changes at the same seq`, { streamId: c.streamId, seq: c.seq });
    }
    next.set(c.streamId, { seq: c.seq, hash: c.hash });
  }
  let root: string | undefined;
  try {
    root = headsRoot([...next].map(([streamId, h]) => ({ streamId, ...h })));
  } catch {
    root = undefined; // a malformed listed head
  }
  if (root === p.root && next.size === p.streams) return next;
  add('heads-unproven', `the heads listed with checkpoint ${p.number} do not give its signed root: they were altered, or an earlier list is missing`);
  return undefined;
}

/** The log's heads give another root than the signed one: name each stream that differs, if the committed heads are known. */
function diagnose(p: CheckpointPayload, heads: Map<string, Head>, committed: Map<string, Head> | undefined, add: Add): void {
  if (!committed) {
    add('root-mismatch', `the ${heads.size} stream heads before checkpoint ${p.number} do not give its root (it covered ${p.streams} streams)`);
    return;
  }
  let named = 0;
  for (const [streamId, c] of committed) {
    const h = heads.get(streamId);
    const at = { streamId, seq: c.seq };
    if (!h) add('stream-deleted', `checkpoint ${p.number} covered seq 1–${c.seq}; the log has no event of the stream before it`, at);
    else if (h.seq < c.seq) add('truncated', `checkpoint ${p.number} covered up to seq ${c.seq}; the log has up to seq ${h.seq} before it`, at);
    else if (h.seq === c.seq && h.hash !== c.hash) add('head-mismatch', `the event at seq ${c.seq} is not the one checkpoint ${p.number} covered: an event up to it was changed and the hashes recomputed`, at);
    else if (h.seq > c.seq) add('root-mismatch', `events after seq ${c.seq} precede checkpoint ${p.number}, which covered up to seq ${c.seq}: inserted into the covered past`, at);
    else continue;
    named += 1;
  }
  for (const streamId of heads.keys()) {
    if (committed.has(streamId)) continue;
    add('root-mismatch', `the stream precedes checkpoint ${p.number} but was not covered by it: added to the past`, { streamId });
    named += 1;
  }
  if (named === 0) add('root-mismatch', `the stream heads before checkpoint ${p.number} do not give its root`);
}
