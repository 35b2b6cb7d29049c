import type { Span } from '@opentelemetry/api';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { nextDeadline } from '@countersign/approval';
import {
  TOPICS, describeErrors, validateCommand, validateEvent, type ActionCommand, type CommandEnvelope, type ExpireActionData,
} from '@countersign/contracts';
import { EVENT_LOG, type BatchContext, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { startActionSpan } from '@countersign/telemetry';
import { CLOCK, DIRECTORY, ID_SOURCE, READINESS, deadLetterRecord, type Clock, type IdSource, type Readiness } from '@countersign/runtime';
import { ExpiryTimers } from './expiry-timers.ts';
import { StreamTable } from './stream-table.ts';

export const ROUTER_GROUP = 'approval-router';

/**
 * Fault injection for the crash tests, read once at start and never set in production:
 * `crash-before-produce` kills the process (SIGKILL) after deciding a vote, before its events are
 * written; `crash-after-commit` kills it after the events and offsets are committed, before the
 * in-memory table moves.
 */
const FAULT = process.env.COUNTERSIGN_FAULT_INJECTION;
function crashIf(fault: string, when: boolean): void {
  if (FAULT === fault && when) process.kill(process.pid, 'SIGKILL');
}
const ROUTER_ACTOR = { id: 'approval-router', kind: 'service' as const };


/**
 * The single writer of action streams: consumes commands in order per action, decides with the
 * pure approval domain, and appends the sealed events before the command's offset advances.
 */
@Injectable()
export class ApprovalRouterService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('approval-router');
  private readonly table = new StreamTable();
  private readonly timers: ExpiryTimers;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {
    this.timers = new ExpiryTimers(() => this.clock.now(), (id, deadline) => void this.expire(id, deadline));
  }

  async onApplicationBootstrap(): Promise<void> {
    const ready = this.readiness.pending('approval-router');
    let firstAssignment: () => void = () => undefined;
    const assigned = new Promise<void>((resolve) => (firstAssignment = resolve));
    this.subscription = await this.log.subscribe({
      group: ROUTER_GROUP,
      topic: TOPICS.commands,
      transactional: true,
      handler: (records, context) => this.handle(records, context),
      onPartitionsAssigned: async (partitions) => {
        await this.replay(partitions);
        firstAssignment();
      },
      onPartitionsRevoked: async (partitions) => {
        for (const id of this.table.dropPartitions(partitions)) this.timers.set(id, undefined);
        this.logger.log(`released partitions ${partitions.join(', ')}`);
      },
    });
    await assigned;
    ready();
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.clear();
    await this.subscription?.close();
  }

  /** Rebuilds the streams of newly owned partitions from the events topic before deciding. */
  private async replay(partitions: number[]): Promise<void> {
    let replayed = 0;
    for (const partition of partitions) {
      await this.log.readPartition(TOPICS.events, partition, (records) => {
        for (const record of records) {
          const check = validateEvent(record.value);
          if (!check.ok) {
            this.logger.error(`skipping invalid event at ${partition}/${record.offset} while replaying: ${describeErrors(check.errors)}`);
            continue;
          }
          const problem = this.table.apply(check.value, partition);
          if (problem) this.logger.error(`stream ${check.value.streamId} is inconsistent at seq ${check.value.seq}: ${problem}`);
          else replayed += 1;
        }
      });
    }
    for (const [id, entry] of this.table.entries()) {
      if (partitions.includes(entry.partition)) this.timers.set(id, nextDeadline(entry.state));
    }
    this.logger.log(`owning partitions ${partitions.join(', ')}: replayed ${replayed} events; ${this.timers.size} actions pending`);
  }

  private async handle(records: DeliveredRecord[], context: BatchContext): Promise<void> {
    const commands: Array<{ command: ActionCommand; partition: number }> = [];
    const spans: Span[] = [];
    for (const record of records) {
      const check = validateCommand(record.value);
      if (!check.ok) {
        const reason = record.value === undefined ? 'not JSON' : describeErrors(check.errors);
        this.logger.warn(`dead-lettering command at ${record.partition}/${record.offset}: ${reason}`);
        context.append(TOPICS.deadLetter, [deadLetterRecord(ROUTER_GROUP, record, reason, this.clock.now())]);
        continue;
      }
      const command = check.value;
      const { span, traceparent } = startActionSpan(`approval-router ${command.type}`, command.traceparent, { 'countersign.action_id': command.actionId });
      spans.push(span);
      commands.push({ command: traceparent ? { ...command, traceparent } : command, partition: record.partition });
    }
    let decided: ReturnType<StreamTable['decideBatch']>;
    try {
      decided = this.table.decideBatch(commands, () => ({
        now: this.clock.now(),
        directory: this.directory.snapshot(),
        newId: () => this.ids.next(),
      }));
    } finally {
      for (const span of spans) span.end();
    }
    const { events, commit } = decided;
    const decidesVote = events.some((e) => e.type === 'VoteRecorded');
    crashIf('crash-before-produce', decidesVote);
    if (events.length > 0) context.append(TOPICS.events, events.map((e) => ({ key: e.streamId, value: e })));
    // The table moves only once the events and the consumed offsets are durable together.
    context.afterCommit(() => {
      crashIf('crash-after-commit', decidesVote);
      commit();
      for (const id of new Set(events.map((e) => e.streamId))) this.timers.set(id, nextDeadline(this.table.get(id)));
    });
  }

  /** Deadlines become commands, so expiry is ordered with votes on the same action. */
  private async expire(actionId: string, deadline: string): Promise<void> {
    const command: CommandEnvelope<'ExpireAction', ExpireActionData> = {
      id: this.ids.next(),
      type: 'ExpireAction',
      actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: ROUTER_ACTOR,
      correlationId: actionId,
      data: { at: this.clock.now().toISOString() },
    };
    try {
      await this.log.append(TOPICS.commands, [{ key: actionId, value: command }]);
    } catch (error) {
      this.logger.error(`could not queue expiry of ${actionId} (deadline ${deadline}): ${(error as Error).message}; retrying`);
      setTimeout(() => void this.expire(actionId, deadline), 1000).unref();
    }
  }
}
