/**
 * The offline verifier (ADR 0007, "Verification is independent of log order"): trusts nothing but
 * the checkpoint keys. Pure: callers read a data directory, a topic or a bundle and feed it here.
 *
 * The checkpoints come first (number order) and say what the log must hold: every head a proven
 * checkpoint listed, and every stream's last committed head. Then one pass over the events, in any
 * interleaving of streams (each stream in seq order): each event's hash and link, each listed head
 * met. Then what was not met: a committed stream missing, or shorter than committed. Events after
 * their stream's committed head, and streams no checkpoint covers, are the uncovered tail:
 * chain-checked, reported as a warning, never counted as covered.
 *
 * Memory: O(streams + listed heads). Time: one pass over the events, and a root over every
 * stream's head per checkpoint.
 */
import type { EventEnvelope } from '../envelope.ts';
import { CHECKPOINT_STREAM_ID } from './checkpoint-event.ts';
import type { CheckpointKeys } from './checkpoint.ts';
import { readCheckpoints, type CommittedHeads } from './verify-evidence-checkpoints.ts';
import { checkEvent, envelopeProblem, FindingList, type Head, type LogVerdict } from './verify-log.ts';

export interface VerifyEvidenceInput {
  /** CheckpointSigned envelopes in number order. */
  checkpoints: Iterable<EventEnvelope> | AsyncIterable<EventEnvelope>;
  /** Events in any interleaving of streams, each stream in seq order. Values as read: malformed ones are findings. */
  events: Iterable<EventEnvelope> | AsyncIterable<EventEnvelope>;
  keys: CheckpointKeys;
  /** When set, a checkpoint of another log is forged; unset, every checkpoint must be of the first one's log. */
  log?: string;
  /** 'complete': every committed stream must be there. A set: a filtered bundle, only these streams are expected. */
  scope: 'complete' | ReadonlySet<string>;
  /** Findings kept (default 1,000); the rest are counted in `omitted`. */
  maxFindings?: number;
  /**
   * Whose roots are recomputed from the lists: 'every' checkpoint's (the default: an altered list
   * is named at the checkpoint it belongs to), or only the 'last' one's, which is what a start-up
   * check against the last checkpoint needs. Each root costs O(streams), so 'every' grows with
   * checkpoints × streams. Every signature, chain and list is still checked in both; in 'last', a
   * list altered in an earlier checkpoint shows as the heads it names not matching the events.
   */
  roots?: 'every' | 'last';
}

interface StreamSeen {
  head: Head;
  /** The highest seq met: a reordered stream's last event is not its end. */
  max: number;
}

export async function verifyEvidence(input: VerifyEvidenceInput): Promise<LogVerdict> {
  const verifier = await EvidenceVerifier.start(input);
  for await (const value of input.events) verifier.event(value);
  return verifier.finish();
}

/**
 * The same, fed one event at a time (a log read through callbacks): `start` reads the checkpoints,
 * `event` each value read from the events, `finish` the verdict.
 */
export class EvidenceVerifier {
  private readonly seen = new Map<string, StreamSeen>();
  private covered = 0;
  private tail = 0;

  private constructor(private readonly findings: FindingList, private readonly committed: CommittedHeads, private readonly scope: VerifyEvidenceInput['scope']) {}

  static async start(input: Omit<VerifyEvidenceInput, 'events'>): Promise<EvidenceVerifier> {
    const findings = new FindingList(input.maxFindings ?? 1000);
    return new EvidenceVerifier(findings, await readCheckpoints(input, findings), input.scope);
  }

  event(value: unknown): void {
    const { findings, committed, seen } = this;
    const problem = envelopeProblem(value);
    if (problem) {
      const streamId = (value as { streamId?: unknown } | null)?.streamId;
      findings.error('event-malformed', `a record of the events is not an event: ${problem}`, typeof streamId === 'string' ? { streamId: streamId.slice(0, 512) } : {});
      return;
    }
    const e = value as EventEnvelope;
    if (e.streamId === CHECKPOINT_STREAM_ID) return; // verified as the checkpoints
    const before = seen.get(e.streamId);
    const head = checkEvent(e, before?.head, findings);
    seen.set(e.streamId, { head, max: Math.max(before?.max ?? 0, e.seq) });
    const listed = committed.listed.get(e.streamId)?.get(e.seq);
    if (listed && listed.hash !== e.hash) {
      findings.error('head-mismatch', `the event at seq ${e.seq} is not the one checkpoint ${listed.checkpoint} committed to: an event up to it was changed and the hashes recomputed`, { streamId: e.streamId, seq: e.seq, checkpoint: listed.checkpoint });
    }
    const c = committed.final.get(e.streamId);
    if (c && e.seq <= c.seq) this.covered += 1;
    else this.tail += 1;
  }

  finish(): LogVerdict {
    const { findings, committed, seen, tail } = this;
    missing(committed, seen, this.scope, findings);
    let coveredStreams = 0;
    let newStreams = 0;
    for (const streamId of seen.keys()) {
      if (committed.final.has(streamId)) coveredStreams += 1;
      else newStreams += 1;
    }
    if (tail > 0) {
      const after = committed.last ? `checkpoint ${committed.last.payload.number}` : 'the start: there is no verified checkpoint';
      findings.add({ code: 'uncovered-tail', severity: 'warning', detail: `${tail} events (${newStreams} streams no checkpoint covers) after ${after} are chain-checked but not under a signature` });
    }
    return {
      verdict: findings.failed ? 'failed' : 'verified',
      findings: findings.list,
      ...(findings.omitted > 0 ? { omitted: findings.omitted } : {}),
      covered: { events: this.covered, streams: coveredStreams },
      tail: { events: tail, streams: newStreams },
      ...(committed.last ? { checkpoint: committed.last.payload, kid: committed.last.kid } : {}),
    };
  }
}

/** Committed streams the log lacks, or holds fewer events of than committed, named with the first checkpoint that covered what is missing. */
function missing(committed: CommittedHeads, seen: Map<string, StreamSeen>, scope: VerifyEvidenceInput['scope'], findings: FindingList): void {
  for (const [streamId, c] of committed.final) {
    if (scope !== 'complete' && !scope.has(streamId)) continue;
    const s = seen.get(streamId);
    const have = s?.max ?? 0;
    if (have >= c.seq) continue;
    let first = c.checkpoint;
    for (const h of committed.listed.get(streamId)?.values() ?? []) if (h.seq > have && h.checkpoint < first) first = h.checkpoint;
    const at = { streamId, seq: c.seq, checkpoint: first };
    if (!s) findings.error('stream-deleted', `checkpoint ${first} covered this stream (up to seq ${c.seq} by checkpoint ${c.checkpoint}); the log has no event of it`, at);
    else findings.error('truncated', `checkpoint ${first} covered events after seq ${have} (up to seq ${c.seq} by checkpoint ${c.checkpoint}); the log ends at seq ${have}`, at);
  }
}
