import {
  decide, evolve, initialState, outsiderRefusal, unprocessable, type ApprovalEventDraft, type ApprovalState, type DecideContext, type OutsiderRefusal,
} from '@countersign/approval';
import { sealEvents, validateEvent, describeErrors, type ActionCommand, type ActionEvent } from '@countersign/contracts';

interface StreamEntry {
  state: ApprovalState;
  head?: { seq: number; hash: string };
  /** The log partition the stream lives on (same number on the commands and events topics). */
  partition: number;
}

/**
 * The router's memory: the approval state and chain head of every action stream it owns.
 * Built by replaying the events topic, advanced only after the events it produced are durable.
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
      this.streams.set(event.streamId, { state: evolve(entry.state, event), head: { seq: event.seq, hash: event.hash }, partition });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  get(streamId: string): ApprovalState {
    return this.streams.get(streamId)?.state ?? initialState;
  }

  entries(): IterableIterator<[string, StreamEntry]> {
    return this.streams.entries();
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
   * untouched and the redelivered batch is decided again from the same state. Refusals that must
   * not grow an action's chain (outsiders, repeated refusals) come back apart, for the security stream.
   */
  decideBatch(
    commands: ReadonlyArray<{ command: ActionCommand; partition: number }>,
    ctx: () => DecideContext & { newId: () => string },
  ): { events: ActionEvent[]; refusals: Array<OutsiderRefusal & { command: ActionCommand }>; commit: () => void } {
    const working = new Map<string, StreamEntry>();
    const events: ActionEvent[] = [];
    const refusals: Array<OutsiderRefusal & { command: ActionCommand }> = [];
    for (const { command, partition } of commands) {
      const entry = working.get(command.actionId) ?? this.streams.get(command.actionId) ?? { state: initialState, partition };
      const c = ctx();
      const refusal = outsiderRefusal(command, entry.state, c);
      if (refusal) {
        refusals.push({ ...refusal, command });
        continue;
      }
      const sealed = this.seal(command, decide(command, entry.state, c), entry, c);
      if (sealed) {
        working.set(command.actionId, sealed.entry);
        events.push(...sealed.events);
      }
    }
    return { events, refusals, commit: () => this.commit(working) };
  }

  /**
   * The rejection of a command the router kept failing on (dead-lettered by the transport), when
   * its action exists: the sender gets an answer instead of waiting.
   */
  rejectUnprocessable(
    command: ActionCommand,
    partition: number,
    reason: string,
    c: DecideContext & { newId: () => string },
  ): { events: ActionEvent[]; commit: () => void } {
    const entry = this.streams.get(command.actionId) ?? { state: initialState, partition };
    const sealed = this.seal(command, unprocessable(command, reason, entry.state, c), entry, c);
    const working = new Map(sealed ? [[command.actionId, sealed.entry]] : []);
    return { events: sealed?.events ?? [], commit: () => this.commit(working) };
  }

  private seal(command: ActionCommand, drafts: ApprovalEventDraft[], entry: StreamEntry, c: DecideContext & { newId: () => string }) {
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
    let state = entry.state;
    for (const event of sealed) {
      const check = validateEvent(event);
      if (!check.ok) throw new Error(`router produced an invalid ${event.type}: ${describeErrors(check.errors)}`);
      state = evolve(state, event);
    }
    const last = sealed[sealed.length - 1];
    return { events: sealed, entry: { state, head: { seq: last.seq, hash: last.hash }, partition: entry.partition } };
  }

  private commit(working: Map<string, StreamEntry>): void {
    for (const [id, entry] of working) this.streams.set(id, entry);
  }
}
