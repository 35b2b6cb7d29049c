import { DECISION_TYPES, type ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import type { LogMessage } from '@countersign/messaging';

/** Event types an approver feed is about: a request (or an escalation adding approvers), and decisions. */
export const FEED_TYPES: ReadonlySet<string> = new Set(['ApprovalRequested', 'ApprovalEscalated', ...DECISION_TYPES]);

/** Where the follower had got to when a stream began: per partition, the last offset it looked at. */
export type FollowerPosition = ReadonlyMap<number, { topic: string; offset: number }>;

export type EventListener = (event: ActionEvent) => void;

/**
 * The event streams' tap on the gateway's follower of the events topic (answers/answers-follower.ts):
 * one for the instance, however many streams are open. The follower asks `accepts` of every record
 * before validating it and hands the valid ones it kept to `deliver`, which fans them out: each
 * event of an action to the streams open on that action, each feed event (FEED_TYPES) once to the
 * approver feeds' hub, which works out who it concerns. So a record is validated once per instance
 * (as for answers), never once per stream, and only records some stream wants are validated at all.
 *
 * It also notes, for every record, how far the follower got (`position`): a stream that begins
 * takes it, and knows that what the follower saw before is in the read model once the projector's
 * checkpoints pass it (read-model-settle.ts).
 */
export class StreamTap {
  private readonly actions = new Map<string, Set<EventListener>>();
  private feedSink: EventListener | undefined;
  private feedsOpen: () => boolean = () => false;
  private readonly seen = new Map<number, { topic: string; offset: number }>();

  /** The follower's filter, on the record's key and type (the parsed JSON, not yet validated). */
  accepts(record: DeliveredRecord): boolean {
    const offset = Number(record.offset);
    const before = this.seen.get(record.partition);
    if (!before || before.offset < offset) this.seen.set(record.partition, { topic: record.topic, offset });
    if (this.actions.has(record.key)) return true;
    return this.feedsOpen() && FEED_TYPES.has(typeOf(record.value));
  }

  /** The follower's batch, valid events only. Each event as written in the log (the record's JSON). */
  deliver(messages: readonly LogMessage<ActionEvent>[]): void {
    for (const { message, record } of messages) {
      // The transport may give the message a traceparent of its own span; streams show the event as stored.
      const event = (record.value ?? message) as ActionEvent;
      const listeners = this.actions.get(event.streamId);
      if (listeners) for (const listener of [...listeners]) listener(event);
      if (this.feedSink && FEED_TYPES.has(event.type) && this.feedsOpen()) this.feedSink(event);
    }
  }

  /** Streams `actionId`'s events to `listener` from now on; call the result to stop. */
  watchAction(actionId: string, listener: EventListener): () => void {
    let listeners = this.actions.get(actionId);
    if (!listeners) {
      listeners = new Set();
      this.actions.set(actionId, listeners);
    }
    listeners.add(listener);
    const held = listeners;
    return () => {
      held.delete(listener);
      if (held.size === 0 && this.actions.get(actionId) === held) this.actions.delete(actionId);
    };
  }

  /** The approver feeds' hub: gets every feed event while `open()` says some feed is open. */
  connectFeeds(sink: EventListener, open: () => boolean): void {
    this.feedSink = sink;
    this.feedsOpen = open;
  }

  /** How far the follower has looked, per partition (a copy). */
  position(): FollowerPosition {
    return new Map([...this.seen].map(([partition, at]) => [partition, { ...at }]));
  }

  /** Actions some stream is open on (for tests and metrics). */
  get watchedActions(): number {
    return this.actions.size;
  }
}

function typeOf(value: unknown): string {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }).type : '';
}
