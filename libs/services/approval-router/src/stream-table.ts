import {
  decide, decideSettled, evolve, evolveSettled, initialState, nextTimer, outsiderRefusal, settledRefusal, unprocessable, unprocessableSettled,
  type ApprovalEventDraft, type ApprovalTimer, type DecideContext, type OutsiderRefusal,
} from '@countersign/approval';
import { sealEvents, validateEvent, describeErrors, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import { encodeHead, type StreamHead } from './stream-head.ts';
import { held, type Held } from './working-set.ts';

type StreamEntry = Held & {
  head?: { seq: number; hash: string };
  /** The log partition the stream lives on (same number on the commands, events and heads topics). */
  partition: number;
};

type Decision = DecideContext & { newId: () => string };
export interface HeadRecord { key: string; value: Record<string, unknown> }

/**
 * The router's memory: the chain head of every action stream it owns, with the full state of open
 * actions and the compact form of settled ones (working-set.ts). Loaded from the heads topic (or
 * built by replaying the events), advanced only after the events it produced are durable.
 */
export class StreamTable {
  private readonly streams = new Map<string, StreamEntry>();

  /**
   * Applies an event already in the log (replay). Returns an error message when the event cannot
   * follow its stream (a corrupt stream): the stream keeps its last good state.
   */
  apply(event: ActionEvent, partition: number): string | undefined {
    const entry = this.streams.get(event.streamId) ?? { state: initialState, partition };
    if (entry.head && event.seq <= entry.head.seq) return undefined; // replayed twice
    try {
      const next = entry.settled ? { settled: evolveSettled(entry.settled, event) } : { state: evolve(entry.state, event) };
      this.streams.set(event.streamId, { ...next, head: { seq: event.seq, hash: event.hash }, partition });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Takes a stream's head as the heads topic gave it; a settleable full state is held compact. */
  load(streamId: string, head: StreamHead, partition: number): void {
    this.streams.set(streamId, { ...(head.settled ? { settled: head.settled } : held(head.state)), head: { seq: head.seq, hash: head.hash }, partition });
  }

  /** Holds every replayed stream of `partition` in its working form; returns their heads, to write. */
  settleReplayed(partition: number): HeadRecord[] {
    const heads: HeadRecord[] = [];
    for (const [id, entry] of this.streams) {
      if (entry.partition !== partition || !entry.head) continue;
      const next: StreamEntry = entry.state ? { ...held(entry.state), head: entry.head, partition } : entry;
      this.streams.set(id, next);
      heads.push(headRecord(id, next));
    }
    return heads;
  }

  /** Where a stream's chain ends, if it has events. */
  headOf(streamId: string): { seq: number; hash: string } | undefined {
    return this.streams.get(streamId)?.head;
  }

  /** The timer an action needs now (only open actions have one). */
  timer(streamId: string): ApprovalTimer | undefined {
    const entry = this.streams.get(streamId);
    return entry?.state ? nextTimer(entry.state) : undefined;
  }

  /** The streams of a partition (timers to arm after loading it). */
  *idsOf(partition: number): Generator<string> {
    for (const [id, entry] of this.streams) if (entry.partition === partition) yield id;
  }

  /** How many streams are held in full and how many compact (logs, the benchmark). */
  census(): { full: number; settled: number } {
    let settled = 0;
    for (const entry of this.streams.values()) if (entry.settled) settled += 1;
    return { full: this.streams.size - settled, settled };
  }

  /** Forgets the streams of partitions this instance no longer owns; returns their ids. */
  dropPartitions(partitions: readonly number[]): string[] {
    const dropped: string[] = [];
    for (const [id, entry] of this.streams) {
      if (partitions.includes(entry.partition)) {
        this.streams.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  get size(): number {
    return this.streams.size;
  }

  /**
   * Decides a batch of commands against a working copy, so a failed append leaves the table
   * untouched and the redelivered batch is decided again from the same state. Returns the events,
   * the new head of every stream they extend (to commit with them), and the refusals that must not
   * grow an action's chain (outsiders, repeated refusals), for the security stream.
   */
  decideBatch(
    commands: ReadonlyArray<{ command: ActionCommand; partition: number }>,
    ctx: () => Decision,
  ): { events: ActionEvent[]; heads: HeadRecord[]; refusals: Array<OutsiderRefusal & { command: ActionCommand }>; commit: () => void } {
    const working = new Map<string, StreamEntry>();
    const events: ActionEvent[] = [];
    const refusals: Array<OutsiderRefusal & { command: ActionCommand }> = [];
    for (const { command, partition } of commands) {
      const entry = working.get(command.actionId) ?? this.streams.get(command.actionId) ?? { state: initialState, partition };
      const c = ctx();
      const refusal = entry.settled ? settledRefusal(command, entry.settled, c) : outsiderRefusal(command, entry.state, c);
      if (refusal) {
        refusals.push({ ...refusal, command });
        continue;
      }
      const drafts = entry.settled ? decideSettled(command, entry.settled, c) : decide(command, entry.state, c);
      const sealed = this.seal(command, drafts, entry, c);
      if (sealed) {
        working.set(command.actionId, sealed.entry);
        events.push(...sealed.events);
      }
    }
    return { events, heads: [...working].map(([id, e]) => headRecord(id, e)), refusals, commit: () => this.commit(working) };
  }

  /**
   * The rejection of a command the router kept failing on (dead-lettered by the transport), when
   * its action exists: the sender gets an answer instead of waiting.
   */
  rejectUnprocessable(command: ActionCommand, partition: number, reason: string, c: Decision): { events: ActionEvent[]; heads: HeadRecord[]; commit: () => void } {
    const entry = this.streams.get(command.actionId) ?? { state: initialState, partition };
    const drafts = entry.settled ? unprocessableSettled(command, reason, entry.settled, c) : unprocessable(command, reason, entry.state, c);
    const sealed = this.seal(command, drafts, entry, c);
    const working = new Map(sealed ? [[command.actionId, sealed.entry]] : []);
    return { events: sealed?.events ?? [], heads: [...working].map(([id, e]) => headRecord(id, e)), commit: () => this.commit(working) };
  }

  private seal(command: ActionCommand, drafts: ApprovalEventDraft[], entry: StreamEntry, c: Decision) {
    if (drafts.length === 0) return undefined;
    const sealed = sealEvents(drafts, {
      streamId: command.actionId,
      head: entry.head,
      causationId: command.id,
      correlationId: command.correlationId,
      traceparent: command.traceparent,
      now: () => c.now,
      newId: c.newId,
    }) as ActionEvent[];
    let form: Held = entry.settled ? { settled: entry.settled } : { state: entry.state };
    for (const event of sealed) {
      const check = validateEvent(event);
      if (!check.ok) throw new Error(`router produced an invalid ${event.type}: ${describeErrors(check.errors)}`);
      form = form.settled ? { settled: evolveSettled(form.settled, event) } : { state: evolve(form.state, event) };
    }
    const last = sealed[sealed.length - 1];
    const next = form.state ? held(form.state) : form;
    return { events: sealed, entry: { ...next, head: { seq: last.seq, hash: last.hash }, partition: entry.partition } };
  }

  private commit(working: Map<string, StreamEntry>): void {
    for (const [id, entry] of working) this.streams.set(id, entry);
  }
}

function headRecord(id: string, entry: StreamEntry): HeadRecord {
  const { seq, hash } = entry.head!;
  return { key: id, value: encodeHead(entry.settled ? { seq, hash, settled: entry.settled } : { seq, hash, state: entry.state }) };
}
