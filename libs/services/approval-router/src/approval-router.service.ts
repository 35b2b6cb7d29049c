import type { Span } from '@opentelemetry/api';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { nextTimer, type ApprovalTimer } from '@countersign/approval';
import {
  POLICY_STREAM_KEY, TOPICS, describeErrors, validateCommand, validateEvent, type ActionCommand,
} from '@countersign/contracts';
import { EVENT_LOG, type BatchContext, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { startActionSpan } from '@countersign/telemetry';
import { CLOCK, DIRECTORY, ID_SOURCE, READINESS, deadLetterRecord, type Clock, type IdSource, type Readiness } from '@countersign/runtime';
import { ApprovalTimers } from './approval-timers.ts';
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
  private readonly timers: ApprovalTimers;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {
    this.timers = new ApprovalTimers(() => this.clock.now(), (id, due) => void this.fire(id, due));
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
      if (partitions.includes(entry.partition)) this.timers.set(id, nextTimer(entry.state));
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
    // Publications again on the policies topic, in the same transaction: evaluators read them there.
    const published = events.filter((e) => e.type === 'PolicyPublished');
    if (published.length > 0) context.append(TOPICS.policies, published.map((e) => ({ key: POLICY_STREAM_KEY, value: e })));
    // The table moves only once the events and the consumed offsets are durable together.
    context.afterCommit(() => {
      crashIf('crash-after-commit', decidesVote);
      commit();
      // Every action a command was for (all events are of those), not only those with new events:
      // a timer whose command changed nothing (it fired early by the clock) is armed again rather than lost.
      const touched = new Set(commands.map(({ command }) => command.actionId));
      for (const id of touched) this.timers.set(id, nextTimer(this.table.get(id)));
    });
  }

  /** Timers become commands, so escalation and expiry are ordered with votes on the same action. */
  private async fire(actionId: string, due: ApprovalTimer): Promise<void> {
    const at = this.clock.now().toISOString();
    const base = { id: this.ids.next(), actionId, issuedAt: at, actor: ROUTER_ACTOR, correlationId: actionId, data: { at } };
    const command: ActionCommand = due.command === 'ExpireAction' ? { ...base, type: 'ExpireAction' } : { ...base, type: 'EscalateApproval' };
    try {
      await this.log.append(TOPICS.commands, [{ key: actionId, value: command }]);
    } catch (error) {
      this.logger.error(`could not queue ${due.command} of ${actionId} (due ${due.at}): ${(error as Error).message}; retrying`);
      setTimeout(() => void this.fire(actionId, due), 1000).unref();
    }
  }
}
