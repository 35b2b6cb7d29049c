import { isObservable, lastValueFrom } from 'rxjs';
import {
  describeErrors, parseSignedProposal, TOPICS, validateCheckpointEvent, validateCheckpointRequest, validateCommand, validateEvent, type CheckpointRequest, type CheckpointSignedEvent, type SignedProposal, type Validation,
} from '@countersign/contracts';
import type { BatchContext, BatchResult, DeliveredRecord, EventLog, LogRecord, Subscription } from '@countersign/eventlog';
import { deadLetterRecord } from '@countersign/runtime';
import { ConsumerMetrics, escapeForLog, startActionSpan, type DeadLetterReason } from '@countersign/telemetry';
import type { Span } from '@opentelemetry/api';
import type { ConsumerHealth } from './consumer-health.ts';
import { LogContext } from './log-context.ts';
import type { ConsumerOptions, DeadLettered, LogMessage, ServerFacts } from './log-patterns.ts';
import { isTransient, UnprocessableMessage } from './transient-errors.ts';

/** A Nest handler as the server holds it: pipes, guards and filters already wrapped around it. */
export type NestHandler = (data: unknown, context?: LogContext) => Promise<unknown>;

export interface GroupHandlers {
  options: ConsumerOptions;
  /** Per message type ('*' for any), in registration order. */
  messages: Map<string, NestHandler[]>;
  batch?: NestHandler;
  assigned?: NestHandler;
  revoked?: NestHandler;
  deadLetter?: NestHandler;
}

export interface RetryBounds {
  /** Failed attempts of a batch before it is walked one record at a time. */
  batchAttempts: number;
  /** Failed attempts of one record before it is dead-lettered. */
  recordAttempts: number;
}

export const DEFAULT_RETRY_BOUNDS: RetryBounds = { batchAttempts: 3, recordAttempts: 3 };

export interface ConsumerGroupDeps {
  log: EventLog;
  health: ConsumerHealth;
  facts: ServerFacts;
  retry: RetryBounds;
  now: () => Date;
  logger: { warn(message: string): void; error(message: string): void };
}

/** What a record may hold once valid: an event, a command, a proposal as signed (verified by its handler), or a checkpoint (ADR 0007). */
type Consumed = LogMessage['message'] | SignedProposal | CheckpointSignedEvent | CheckpointRequest;
type Validator = (value: unknown) => Validation<Consumed>;
/**
 * Signed proposals (shape only: keys are the evaluator's) on the proposals topic, commands on the
 * commands topic, CheckpointSigned events (shape only: signatures are their reader's) on the
 * checkpoints topic, checkpoint requests on theirs, events (and their copies on the policies topic) elsewhere.
 */
const validatorFor = (topic: string): Validator =>
  topic === TOPICS.proposals ? parseSignedProposal
    : topic === TOPICS.commands ? validateCommand
      : topic === TOPICS.checkpoints ? validateCheckpointEvent
        : topic === TOPICS.checkpointRequests ? validateCheckpointRequest
        : validateEvent;

/** Output staged by one attempt; handed to the log only if the attempt succeeds. */
class Staging implements BatchContext {
  readonly output: Array<[string, readonly LogRecord[]]> = [];
  readonly callbacks: Array<() => void> = [];
  append(topic: string, records: readonly LogRecord[]): void {
    this.output.push([topic, records]);
  }
  afterCommit(callback: () => void): void {
    this.callbacks.push(callback);
  }
  flushInto(context: BatchContext): void {
    for (const [topic, records] of this.output) context.append(topic, records);
    for (const callback of this.callbacks) context.afterCommit(callback);
  }
}

/**
 * One consumer group on one topic: the single consume path of every service. It validates each
 * record (invalid ones are dead-lettered with the reason, once per group), traces each message,
 * routes it to the group's handlers, and bounds retries: a batch that keeps failing is walked one
 * record at a time, and a record that keeps failing is dead-lettered (with the group's
 * dead-letter handler given the chance to record a consequence in the same commit). Failures
 * that say the infrastructure is away are retried for as long as it takes instead.
 */
export class ConsumerGroup {
  private readonly validate: Validator;
  private readonly attempts = new Map<string, number>();
  /** Per partition: walk records one at a time up to this offset (the end of a failing batch). */
  private readonly isolateThrough = new Map<number, bigint>();
  private readonly metrics: ConsumerMetrics;

  constructor(
    private readonly handlers: GroupHandlers,
    private readonly deps: ConsumerGroupDeps,
  ) {
    this.validate = validatorFor(handlers.options.topic);
    this.metrics = new ConsumerMetrics(handlers.options.group);
  }

  get group(): string {
    return this.handlers.options.group;
  }

  get topic(): string {
    return this.handlers.options.topic;
  }

  async start(): Promise<Subscription> {
    const { options } = this.handlers;
    const start = typeof options.start === 'function' ? options.start(this.deps.facts) : options.start ?? 'committed';
    const subscription = await this.deps.log.subscribe({
      group: options.broadcast ? `${options.group}.${this.deps.facts.instanceId}` : options.group,
      topic: options.topic,
      transactional: options.transactional,
      maxBatch: options.maxBatch,
      concurrentPartitions: options.concurrentPartitions,
      fromBeginning: start === 'beginning',
      fromEnd: start === 'end',
      handler: (records, context) => this.handle(records, context),
      onPartitionsAssigned: async (partitions) => {
        if (this.handlers.assigned) await invoke(this.handlers.assigned, partitions);
        this.deps.health.assigned();
      },
      onPartitionsRevoked: async (partitions) => {
        if (this.handlers.revoked) await invoke(this.handlers.revoked, partitions);
      },
      onStatus: (status) => this.deps.health.status(status),
    });
    if (start !== 'end') {
      this.deps.health.startedWith(await subscription.lag());
      return subscription;
    }
    // A group that starts at the end has no backlog. Its lag is counted from where it started:
    // Kafka counts a group's lag from its committed offsets, which such a group (a new one, or an
    // old one skipping history) has not moved yet on a partition that received nothing since.
    // (Once such a partition commits again, this under-counts by its stale part: a follower's
    // lag is a hint; being positioned at the end, its readiness, does not depend on it.)
    const stale = (await subscription.lag()) ?? 0;
    this.deps.health.startedWith(0);
    return {
      close: () => subscription.close(),
      // Per partition as the log counts it (a hint for dashboards; readiness uses the total below).
      partitionLag: () => subscription.partitionLag(),
      lag: async () => {
        const lag = await subscription.lag();
        return lag === undefined ? undefined : Math.max(0, lag - stale);
      },
    };
  }

  private async handle(records: DeliveredRecord[], context: BatchContext): Promise<void | BatchResult> {
    const partition = records[0].partition;
    const through = this.isolateThrough.get(partition);
    const isolating = through !== undefined && BigInt(records[0].offset) <= through;
    const work = isolating ? records.slice(0, 1) : records;
    const key = `${partition}/${work[0].offset}${work.length === 1 ? "" : "+"}`;
    const staging = new Staging();
    try {
      await this.process(work, staging);
    } catch (error) {
      const where = `partition ${partition} offsets ${work[0].offset}..${work.at(-1)!.offset}`;
      this.deps.health.failed(error, where);
      this.metrics.failed(isTransient(error) ? 'transient' : error instanceof UnprocessableMessage ? 'unprocessable' : 'error');
      if (isTransient(error)) throw error; // the log redelivers after a backoff, for as long as it takes
      // A batch handler that calls its input unprocessable is not tried again as a whole.
      const verdict = error instanceof UnprocessableMessage ? Number.POSITIVE_INFINITY : 0;
      const attempts = Math.max((this.attempts.get(key) ?? 0) + 1, verdict);
      this.attempts.set(key, attempts);
      if (work.length > 1 && attempts >= this.deps.retry.batchAttempts) {
        this.attempts.delete(key);
        this.isolateThrough.set(partition, BigInt(records.at(-1)!.offset));
        this.deps.logger.warn(`${this.group}: ${where} failed ${attempts} times; handling them one at a time to find the record at fault`);
      } else if (work.length === 1 && attempts >= this.deps.retry.recordAttempts) {
        this.attempts.delete(key);
        await this.deadLetter(work[0], `failed ${attempts} times: ${reasonOf(error)}`, context);
        context.afterCommit(() => this.metrics.handled(1));
        return this.done(partition, work, isolating, records.length);
      }
      this.metrics.retried(work.length > 1 ? 'batch' : 'record');
      throw error;
    }
    this.attempts.delete(key);
    staging.flushInto(context);
    context.afterCommit(() => this.metrics.handled(work.length));
    return this.done(partition, work, isolating, records.length);
  }

  private done(partition: number, work: DeliveredRecord[], isolating: boolean, delivered: number): void | BatchResult {
    this.deps.health.handled(work.length);
    if (!isolating) return undefined;
    if (BigInt(work[0].offset) >= this.isolateThrough.get(partition)!) this.isolateThrough.delete(partition);
    return work.length < delivered ? { handled: work.length } : undefined;
  }

  /** Validates, traces and routes one attempt at `records`; output goes to `staging`. */
  private async process(records: DeliveredRecord[], staging: Staging): Promise<void> {
    const valid: LogMessage<Consumed>[] = [];
    const { accept } = this.handlers.options;
    for (const record of accept ? records.filter(accept) : records) {
      const check = this.validate(record.value);
      if (check.ok) valid.push({ record, message: check.value });
      else if (record.value === undefined) this.stageDeadLetter(record, 'not JSON', staging, 'not_json');
      else this.stageDeadLetter(record, describeErrors(check.errors), staging, 'invalid');
    }
    const spans: Span[] = [];
    const traced = valid.map(({ record, message }) => {
      const actionId = 'streamId' in message ? message.streamId : message.actionId;
      const { span, traceparent } = startActionSpan(`${this.group} ${message.type}`, message.traceparent, { 'countersign.action_id': actionId });
      spans.push(span);
      return { record, message: traceparent ? { ...message, traceparent } : message } as LogMessage<Consumed>;
    });
    try {
      if (this.handlers.batch) {
        if (traced.length > 0) await invoke(this.handlers.batch, traced, new LogContext(staging, undefined, this.group));
        return;
      }
      for (const { record, message } of traced) {
        const handlers = this.handlers.messages.get(message.type) ?? this.handlers.messages.get('*') ?? [];
        // Each message's output on its own, so an unprocessable one leaves nothing behind.
        const own = new Staging();
        try {
          for (const handler of handlers) await invoke(handler, message, new LogContext(own, record, this.group));
          own.flushInto(staging);
        } catch (error) {
          if (!(error instanceof UnprocessableMessage)) throw error;
          this.stageDeadLetter(record, error.message, staging, 'unprocessable');
        }
      }
    } finally {
      for (const span of spans) span.end();
    }
  }

  private stageDeadLetter(record: DeliveredRecord, reason: string, staging: BatchContext, kind: DeadLetterReason): void {
    this.deps.logger.warn(`${this.group}: dead-lettering ${record.topic} ${record.partition}/${record.offset}: ${escapeForLog(reason)}`);
    staging.append(TOPICS.deadLetter, [deadLetterRecord(this.group, record, reason, this.deps.now())]);
    staging.afterCommit(() => this.metrics.deadLettered(kind)); // counted once it is in the log
  }

  /** Dead-letters a record the handlers keep failing on, with the group's consequence, in one commit. */
  private async deadLetter(record: DeliveredRecord, reason: string, context: BatchContext): Promise<void> {
    const staging = new Staging();
    this.stageDeadLetter(record, reason, staging, 'attempts_exhausted');
    if (this.handlers.deadLetter) {
      const check = this.validate(record.value);
      const letter: DeadLettered<Consumed> = { record, reason, ...(check.ok ? { message: check.value } : {}) };
      const consequence = new Staging();
      try {
        await invoke(this.handlers.deadLetter, letter, new LogContext(consequence, record, this.group));
        consequence.flushInto(staging);
      } catch (error) {
        this.deps.logger.error(`${this.group}: the dead-letter handler failed on ${record.partition}/${record.offset}: ${reasonOf(error)}`);
      }
    }
    staging.flushInto(context);
  }
}

/** Calls a Nest handler and waits for its result, Observable or not. */
export async function invoke(handler: NestHandler, data: unknown, context?: LogContext): Promise<unknown> {
  const result = await handler(data, context);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

function reasonOf(error: unknown): string {
  return escapeForLog(error instanceof Error ? error.message : String(error), 1000);
}
