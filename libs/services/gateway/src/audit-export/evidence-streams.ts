/**
 * events.ndjson and proofs.ndjson in one pass over the stored events, a page at a time: each
 * stream's events in seq order (the `_id` `<streamId>:<seq, 8 digits>` sorts so), and for each
 * stream the latest checkpoint covers, its ActionProof built from the events just written and the
 * committed tree (O(log n) per proof). Memory: one page, and one stream's events up to its head.
 */
import { auditEntryId, storedAsWritten, type CommittedTree, type StoredEvent } from '@countersign/audit';
import { CHECKPOINT_STREAM_ID, type ActionProof, type EventEnvelope } from '@countersign/contracts';
import type { Collection } from '@countersign/readmodel';
import type { Spool } from './spool.ts';

/** Events read per query of a complete bundle: ~2 MB of typical events. */
const PAGE = 2000;
/** Event ids asked for at once in one stream (most actions have fewer events). */
const PROBE = 64;

export interface StreamPassResult {
  /** Stream ids in the order written. */
  streams: string[];
  events: number;
  proofs: number;
  /** Streams the checkpoint covers whose stored events do not reach the committed head (the read model is behind, or the log was altered). */
  unproven: string[];
  /** Policy versions the events name (PolicyEvaluated), for the policies directory. */
  policyVersions: Set<string>;
}

export interface StreamPassInput {
  events: Collection<StoredEvent>;
  /** Every stored stream (a complete bundle), or these streams in this order. */
  streams: 'all' | readonly string[];
  committed: CommittedTree | undefined;
  eventsOut: Spool;
  proofsOut: Spool;
  /** Called with each new stream's count; throws to stop (the bound on a bundle's actions). */
  onStream: (count: number) => void;
}

export async function writeStreams(input: StreamPassInput): Promise<StreamPassResult> {
  const result: StreamPassResult = { streams: [], events: 0, proofs: 0, unproven: [], policyVersions: new Set() };
  let current: { streamId: string; upToHead: EventEnvelope[]; head?: { seq: number; hash: string; index: number } } | undefined;

  const endStream = async () => {
    if (!current?.head || !input.committed) return;
    const last = current.upToHead.at(-1);
    if (!last || last.seq !== current.head.seq || last.hash !== current.head.hash || current.upToHead.length !== current.head.seq) {
      result.unproven.push(current.streamId);
      return;
    }
    const proof: ActionProof = {
      checkpoint: input.committed.checkpoint.event.data.checkpoint,
      events: current.upToHead,
      leafIndex: current.head.index,
      treeSize: input.committed.tree.size,
      path: input.committed.tree.path(current.head.index),
    };
    await input.proofsOut.write(`${JSON.stringify(proof)}\n`);
    result.proofs += 1;
  };

  const take = async (doc: StoredEvent) => {
    if (doc.streamId === CHECKPOINT_STREAM_ID) return;
    const event = storedAsWritten(doc);
    if (current?.streamId !== event.streamId) {
      await endStream();
      const leaf = input.committed?.tree.leaf(event.streamId);
      current = { streamId: event.streamId, upToHead: [], ...(leaf ? { head: { seq: leaf.head.seq, hash: leaf.head.hash, index: leaf.index } } : {}) };
      result.streams.push(event.streamId);
      input.onStream(result.streams.length);
    }
    if (current.head && event.seq <= current.head.seq) current.upToHead.push(event);
    if (event.type === 'PolicyEvaluated') {
      const version = (event.data as { policyVersion?: unknown }).policyVersion;
      if (typeof version === 'string') result.policyVersions.add(version);
    }
    await input.eventsOut.write(`${JSON.stringify(event)}\n`);
    result.events += 1;
  };

  if (input.streams === 'all') {
    for await (const doc of pages(input.events, {})) await take(doc);
  } else {
    for (const streamId of input.streams) for await (const doc of streamEvents(input.events, streamId)) await take(doc);
  }
  await endStream();
  return result;
}

/**
 * One stream's events by their ids (`<streamId>:<seq, 8 digits>`), PROBE at a time from seq 1:
 * seqs are gap-free, so a short answer is the stream's end. Ids are an index hit on MongoDB and
 * no scan of the collection in memory (a query on `streamId` would scan it once per action).
 * A gap in the read model ends the stream there: the verifier then names the stream truncated.
 */
async function* streamEvents(events: Collection<StoredEvent>, streamId: string): AsyncGenerator<StoredEvent> {
  for (let from = 1; ; from += PROBE) {
    const ids = Array.from({ length: PROBE }, (_, i) => auditEntryId(streamId, from + i));
    const page = await events.find({ _id: { $in: ids } }, { sort: { _id: 1 } });
    yield* page;
    if (page.length < PROBE) return;
  }
}

/** The documents of `filter` in `_id` order (by stream, then seq), a page per query, each after the last one's id. */
async function* pages(events: Collection<StoredEvent>, filter: Record<string, unknown>): AsyncGenerator<StoredEvent> {
  let after: string | undefined;
  for (;;) {
    const page = await events.find(after === undefined ? filter : { ...filter, _id: { $gt: after } }, { sort: { _id: 1 }, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)!._id;
  }
}
