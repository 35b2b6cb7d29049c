import { EventPattern } from '@nestjs/microservices';
import type { ActionCommand, ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';

/**
 * How services say what they consume from the event log, the Nest way: `@EventPattern` handlers
 * on controllers, routed by the EventLogServer by consumer group, topic and message type. The
 * options of a group (where it starts, transactions, batch size, readiness) travel in the
 * pattern's extras; every handler of one group must give the same options.
 */
export type StartAt = 'committed' | 'beginning' | 'end';

/** What the server knows about its process, for options that depend on it. */
export interface ServerFacts {
  /** False when the read models forget on restart (the embedded default's memory store). */
  storeDurable: boolean;
  /** This process among the instances of its service (COUNTERSIGN_INSTANCE_ID). */
  instanceId: string;
}

export interface ConsumerOptions {
  group: string;
  topic: string;
  /** Where the group reads from: its committed position (default), the first record, or the end. */
  start?: StartAt | ((facts: ServerFacts) => StartAt);
  /** Output and consumed position in one transaction (Kafka); for the single writer of streams. */
  transactional?: boolean;
  maxBatch?: number;
  /** Partitions handled side by side (see `SubscribeOptions.concurrentPartitions`); default 1. */
  concurrentPartitions?: number;
  /**
   * More records waiting than this makes the process report the group as lagging (not ready);
   * default: the server's bound. `Infinity` for a follower that replays the whole log at every
   * start and must not hold up readiness (the checkpointer); stuck is still reported.
   */
  maxLag?: number;
  /** Not ready until the records present at start have been handled (read models rebuilding). */
  readyWhenCaughtUp?: boolean | ((facts: ServerFacts) => boolean);
  /**
   * Every instance reads every record (its own group, `<group>.<instanceId>`), instead of the
   * instances sharing the partitions: for state each instance keeps whole, such as the policy in force.
   */
  broadcast?: boolean;
  /**
   * Which records the group looks at, decided on the record's key and position alone, before
   * validation: the others count as handled and cost nothing (no JSON-schema validation, no span,
   * no dead letter from this group). For live followers that care about a few keys, such as the
   * gateway's answers (the actions requests are waiting on). Compared by reference across a group's handlers.
   */
  accept?: (record: DeliveredRecord) => boolean;
}

/** A validated message of the log with the record it came in. */
export interface LogMessage<M = ActionEvent | ActionCommand> {
  message: M;
  record: DeliveredRecord;
}

/** A record the server dead-lettered after the handlers failed on it, with the reason. */
export interface DeadLettered<M = ActionEvent | ActionCommand> {
  record: DeliveredRecord;
  /** The message, when the record was valid (the handler, not the record, failed). */
  message?: M;
  reason: string;
}

export type HandlerKind = 'message' | 'batch' | 'assigned' | 'revoked' | 'dead-letter';

export interface PatternExtras {
  kind: HandlerKind;
  consumer: ConsumerOptions;
  /** For `message` handlers: the message type, or '*' for every type. */
  type?: string;
}

export const EXTRAS_KEY = 'countersignLog';
const route = (group: string, topic: string, kind: HandlerKind, type = '') => `log:${group}:${topic}:${kind}${type ? `:${type}` : ''}`;

function pattern(kind: HandlerKind, consumer: ConsumerOptions, type?: string): MethodDecorator {
  const extras: PatternExtras = { kind, consumer, ...(type ? { type } : {}) };
  return EventPattern(route(consumer.group, consumer.topic, kind, type), { [EXTRAS_KEY]: extras });
}

/** `handler(message, context)` for each valid message of `type` ('*': any type), in log order. */
export const OnLogMessage = (consumer: ConsumerOptions & { type: string }) => pattern('message', consumer, consumer.type);
/** `handler(messages: LogMessage[], context)` for each batch of valid messages. */
export const OnLogBatch = (consumer: ConsumerOptions) => pattern('batch', consumer);
/** `handler(partitions: number[])` before any record of newly owned partitions is delivered. */
export const OnPartitionsAssigned = (consumer: ConsumerOptions) => pattern('assigned', consumer);
/** `handler(partitions: number[])` when partitions stop being this instance's. */
export const OnPartitionsRevoked = (consumer: ConsumerOptions) => pattern('revoked', consumer);
/**
 * `handler(letter: DeadLettered, context)` when the server dead-letters a record after the handlers
 * failed on it a bounded number of times; output staged here commits with the dead letter.
 */
export const OnDeadLetter = (consumer: ConsumerOptions) => pattern('dead-letter', consumer);
