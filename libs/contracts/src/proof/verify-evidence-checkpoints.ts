/**
 * The first half of the offline verifier: the checkpoints, in number order, before any event. For
 * each CheckpointSigned envelope: its own chain in the stream `countersign.checkpoints`, its data,
 * the signature under a key valid at its `at`, the number/prev chain, and its `changed` heads
 * accumulating to the signed root. What comes out is what the events must then match: every head
 * a proven checkpoint listed, and every stream's last committed head.
 */
import { GENESIS_HASH, type EventEnvelope } from '../envelope.ts';
import { createAjv, describeErrors, toFieldErrors } from '../validation.ts';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM_ID, checkpointSignedSchema, type CheckpointSignedData } from './checkpoint-event.ts';
import { readCheckpoint, type CheckpointKeys, type CheckpointPayload } from './checkpoint.ts';
import { AccumulatedRoot } from './verify-evidence-roots.ts';
import { checkEvent, checkpointFailureCode, envelopeProblem, type FindingList, type Head } from './verify-log.ts';

/** A head as a checkpoint listed it: `checkpoint` is the number of the first checkpoint that listed it. */
export interface ListedHead extends Head {
  checkpoint: number;
}

export interface CommittedHeads {
  /** Every stream's head after the last checkpoint, as the `changed` lists accumulate. */
  final: Map<string, ListedHead>;
  /** Per stream, per seq: the heads listed by checkpoints whose lists gave their signed root. */
  listed: Map<string, Map<number, ListedHead>>;
  /** The last checkpoint whose signature verified. */
  last?: { payload: CheckpointPayload; kid: string };
}

const dataCheck = createAjv().compile(checkpointSignedSchema);

export async function readCheckpoints(
  input: { checkpoints: Iterable<EventEnvelope> | AsyncIterable<EventEnvelope>; keys: CheckpointKeys; log?: string; roots?: 'every' | 'last' },
  findings: FindingList,
): Promise<CommittedHeads> {
  const final = new Map<string, ListedHead>();
  const listed = new Map<string, Map<number, ListedHead>>();
  const roots = new AccumulatedRoot();
  let envelopeHead: Head | undefined;
  let log = input.log;
  let last: { payload: CheckpointPayload; kid: string; hash: string } | undefined;
  let proven = true; // whether the lists so far gave every verified checkpoint's root
  const every = input.roots !== 'last';
  // roots 'last': the verified checkpoints' lists, accepted once the last one's root is proven.
  let deferred: { p: CheckpointPayload; changed: CheckpointSignedData['changed']; streams: number; lists: number }[] = [];
  let lists = 0; // lists accumulated so far, so the last verified checkpoint is known to be the last list

  for await (const value of input.checkpoints) {
    const problem = envelopeProblem(value);
    const seq = typeof (value as { seq?: unknown })?.seq === 'number' ? (value as { seq: number }).seq : undefined;
    if (problem) {
      findings.error('checkpoint-forged', `a record of the checkpoints is not an event: ${problem}`, { streamId: CHECKPOINT_STREAM_ID, ...(seq ? { seq } : {}) });
      continue;
    }
    const envelope = value;
    const at = { streamId: CHECKPOINT_STREAM_ID, seq: envelope.seq, checkpoint: envelope.seq };
    if (envelope.streamId !== CHECKPOINT_STREAM_ID || envelope.type !== CHECKPOINT_SIGNED) {
      findings.error('checkpoint-forged', `a ${String(envelope.type)} event of stream ${envelope.streamId} among the checkpoints`, at);
      continue;
    }
    envelopeHead = checkEvent(envelope, envelopeHead, findings, { code: 'checkpoint-chain-broken', checkpoint: envelope.seq });
    if (!dataCheck(envelope.data)) {
      findings.error('checkpoint-forged', `its data ${describeErrors(toFieldErrors(dataCheck.errors))}`, at);
      continue;
    }
    const data = envelope.data as CheckpointSignedData;
    const read = await readCheckpoint(data.checkpoint, input.keys, log === undefined ? {} : { log });
    // The list is unsigned either way; a later checkpoint's signed root decides whether it holds.
    accumulate(final, roots, data.changed, envelope.seq, findings);
    lists += 1;
    if (!read.ok) {
      findings.error(checkpointFailureCode(read.failure), `${read.failure}: ${read.detail}`, at);
      continue;
    }
    const p = read.payload;
    log ??= p.log; // unpinned: every checkpoint must be of the first one's log
    checkAgainstPayload(envelope.seq, data, p, findings);
    checkChain(p, last, findings);
    if (!every) {
      deferred.push({ p, changed: data.changed, streams: final.size, lists });
    } else if (final.size === p.streams && roots.root() === p.root) {
      proven = true;
      list(listed, data.changed, p.number);
    } else if (proven) {
      proven = false; // named once, not again at every later checkpoint the same gap breaks
      unproven(p, final.size, findings);
    }
    last = { payload: p, kid: read.kid, hash: read.hash };
  }
  const end = deferred.at(-1);
  if (end) {
    // Only the last verified checkpoint's root, and only when no list came after it (a later
    // checkpoint that failed to verify is already a finding; its list moved the heads on).
    if (end.lists === lists && end.streams === end.p.streams && roots.root() === end.p.root) for (const d of deferred) list(listed, d.changed, d.p.number);
    else unproven(end.p, end.streams, findings);
    deferred = [];
  }
  return { final, listed, ...(last ? { last: { payload: last.payload, kid: last.kid } } : {}) };
}

/** The heads a proven checkpoint listed: the events must match each. */
function list(listed: Map<string, Map<number, ListedHead>>, changed: CheckpointSignedData['changed'], checkpoint: number): void {
  for (const h of changed) {
    let seqs = listed.get(h.streamId);
    if (!seqs) listed.set(h.streamId, (seqs = new Map()));
    if (!seqs.has(h.seq)) seqs.set(h.seq, { seq: h.seq, hash: h.hash, checkpoint });
  }
}

function unproven(p: CheckpointPayload, streams: number, findings: FindingList): void {
  findings.error('heads-unproven', `the heads listed up to checkpoint ${p.number} do not give its signed root (${streams} streams listed, ${p.streams} signed): a list was altered, or a checkpoint is missing`, { checkpoint: p.number });
}

/** The record repeats the signed numbers: a copy that disagrees was edited. */
function checkAgainstPayload(seq: number, data: CheckpointSignedData, p: CheckpointPayload, findings: FindingList): void {
  const at = { streamId: CHECKPOINT_STREAM_ID, seq, checkpoint: p.number };
  if (p.number !== seq) findings.error('checkpoint-chain-broken', `checkpoint ${p.number} is at seq ${seq} of the checkpoints: one is missing, repeated or moved`, at);
  for (const field of ['number', 'root', 'streams', 'prev'] as const) {
    if (data[field] !== p[field]) findings.error('checkpoint-forged', `the record's ${field} is not the signed one`, at);
  }
}

/** Consecutive numbers linked by `prev`, time and positions never going back. */
function checkChain(p: CheckpointPayload, last: { payload: CheckpointPayload; hash: string } | undefined, findings: FindingList): void {
  const at = { checkpoint: p.number };
  if (p.number === 1 && p.prev !== GENESIS_HASH) findings.error('checkpoint-chain-broken', 'checkpoint 1 does not start the chain (prev is not the genesis hash)', at);
  if (!last) return;
  // The previous one may have failed to verify: its prev link cannot be judged then, the gap is named by the seq check.
  if (last.payload.number === p.number - 1 && p.prev !== last.hash) findings.error('checkpoint-chain-broken', `prev is not the hash of checkpoint ${last.payload.number}`, at);
  if (p.number <= last.payload.number) findings.error('checkpoint-chain-broken', `number ${p.number} does not follow ${last.payload.number}`, at);
  if (p.at < last.payload.at) findings.error('checkpoint-chain-broken', `at ${p.at} goes back from ${last.payload.at}`, at);
  for (const [position, value] of Object.entries(last.payload.positions)) {
    if ((p.positions[position] ?? -1) < value) findings.error('checkpoint-inconsistent', `position ${position} goes back from ${value} to ${p.positions[position] ?? 'absent'}`, at);
  }
}

/** A listed head never goes back: not to a lower seq, not to another hash at the same seq. */
function accumulate(heads: Map<string, ListedHead>, roots: AccumulatedRoot, changed: CheckpointSignedData['changed'], checkpoint: number, findings: FindingList): void {
  for (const c of changed) {
    const old = heads.get(c.streamId);
    if (old && (c.seq < old.seq || (c.seq === old.seq && c.hash !== old.hash))) {
      findings.error('checkpoint-inconsistent', `the head goes back from seq ${old.seq} (checkpoint ${old.checkpoint}) to seq ${c.seq}, or changes at the same seq`, { streamId: c.streamId, seq: c.seq, checkpoint });
    }
    if (!old || old.seq !== c.seq || old.hash !== c.hash) {
      heads.set(c.streamId, { seq: c.seq, hash: c.hash, checkpoint });
      roots.set(c);
    }
  }
}
