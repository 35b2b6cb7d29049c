import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ApprovalTimer, PublishedRecord } from '@countersign/approval';
import type { FollowUp } from './ledgers.ts';
import { describeErrors, POLICY_STREAM_KEY, TOPICS, validateCommand, validateEvent, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import { standingChecks } from '@countersign/policy';
import type { DeadLettered, LogContext, LogMessage } from '@countersign/messaging';
import { CLOCK, DIRECTORY, ID_SOURCE, POLICY_SET, type Clock, type IdSource } from '@countersign/runtime';
import { escapeForLog, RouterMetrics } from '@countersign/telemetry';
import { ApprovalTimers } from './approval-timers.ts';
import { PolicyInForce } from './policy-in-force.ts';
import { SecurityLog } from './security-log.ts';
import { loadPartition } from './partition-loader.ts';
import { StreamTable } from './stream-table.ts';

const ROUTER_ACTOR = { id: 'approval-router', kind: 'service' as const };

/**
 * The single writer of action streams: decides each batch of commands with the pure approval
 * domain against a working copy, stages the sealed events for the transport to commit with the
 * consumed offsets, and moves its table only once they are durable. Timers become commands.
 */
@Injectable()
export class ApprovalRouter implements OnApplicationShutdown {
  private readonly logger = new Logger('approval-router');
  private readonly table = new StreamTable();
  private readonly timers: ApprovalTimers;
  private readonly policy: PolicyInForce;
  private readonly security = new SecurityLog();
  /** Glob and CEL matching of standing approvals, conditions timed as the evaluator times rule conditions. */
  private readonly standing = standingChecks(() => performance.now());
  /** Decision latency and the pending gauge (an armed timer per pending action). */
  private readonly metrics = new RouterMetrics(() => this.timers.size);

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(POLICY_SET) seed: { version: string },
  ) {
    this.timers = new ApprovalTimers(() => this.clock.now(), (id, due) => void this.fire(id, due));
    this.policy = new PolicyInForce(seed.version);
  }

  onApplicationShutdown(): void {
    this.timers.clear();
    this.metrics.close();
  }

  /**
   * Loads the streams of newly owned partitions before deciding, from the heads topic (or, where
   * the heads do not cover the events, by replaying them: partition-loader.ts), and reads every
   * publication so far: a publication is approved against the version in force.
   */
  async replay(partitions: number[]): Promise<void> {
    await this.log.readAll(TOPICS.policies, (records) => {
      for (const record of records) {
        const check = validateEvent(record.value);
        if (check.ok) this.published(check.value);
      }
    });
    for (const partition of partitions) {
      const started = performance.now();
      const loaded = await loadPartition(this.log, this.table, partition, (msg) => this.logger.error(msg));
      for (const id of this.table.idsOf(partition)) this.timers.set(id, this.table.timer(id));
      const ms = Math.round(performance.now() - started);
      if (loaded.from === 'heads') this.logger.log(`partition ${partition}: loaded ${loaded.streams} stream heads in ${ms} ms`);
      else this.logger.log(`partition ${partition}: replayed ${loaded.events} events of ${loaded.streams} streams in ${ms} ms and wrote their heads, because ${loaded.reason}`);
    }
    const { full, settled, ledgers } = this.table.census();
    this.logger.log(`owning partitions ${partitions.join(', ')}: ${full} actions held in full, ${settled} settled, ${ledgers} requester ledgers; ${this.timers.size} timers armed`);
  }

  release(partitions: number[]): void {
    for (const id of this.table.dropPartitions(partitions)) this.timers.set(id, undefined);
    this.logger.log(`released partitions ${partitions.join(', ')}`);
  }

  /** A publication seen on the policies topic (this router's or another instance's). */
  published(event: ActionEvent): void {
    if (event.type === 'PolicyPublished') this.policy.add(event as PublishedRecord);
  }

  /** Decides a batch; the events go out with the consumed offsets, the table moves after both. */
  decide(messages: LogMessage<ActionCommand>[], context: LogContext): void {
    // A proposal on the commands topic (written by an older gateway) goes through the evaluator first.
    const proposals = messages.filter(({ message }) => message.type === 'ProposeAction');
    if (proposals.length > 0) context.append(TOPICS.proposals, proposals.map(({ message }) => ({ key: message.actionId, value: message })));
    const commands = messages.filter(({ message }) => message.type !== 'ProposeAction').map(({ message, record }) => ({ command: message, partition: record.partition }));
    const { events, heads, refusals, followUps, commit } = this.table.decideBatch(commands, () => this.decideContext());
    if (events.length > 0) context.append(TOPICS.events, events.map((e) => ({ key: e.streamId, value: e })));
    // The new heads in the same transaction (after the events: the file log writes topic by topic).
    if (heads.length > 0) context.append(TOPICS.heads, heads);
    // Commands to other streams (standing approvals: a grant or a use for a requester ledger, an
    // approval for an action), in the same transaction: each stream keeps its one writer.
    if (followUps.length > 0) context.append(TOPICS.commands, followUps.map((f) => this.followUp(f)));
    // Publications again on the policies topic, in the same transaction: evaluators read them there.
    const published = events.filter((e) => e.type === 'PolicyPublished');
    if (published.length > 0) context.append(TOPICS.policies, published.map((e) => ({ key: POLICY_STREAM_KEY, value: e })));
    // Refusals that stay out of the chains go to the security topic, rate-limited per author.
    const refused = this.security.records(refusals, this.clock.now());
    if (refused.length > 0) context.append(TOPICS.security, refused.map((r) => ({ key: r.author, value: r })));
    for (const r of refused) this.logger.warn(`refused ${r.command} ${r.commandId} by ${escapeForLog(r.author)} on ${r.actionId} (${r.kind}): ${escapeForLog(r.reason)}`);
    context.afterCommit(() => {
      commit();
      this.metrics.decided(commands.map((c) => c.command), events);
      for (const event of published) this.published(event);
      // Every action a command was for, not only those with new events: a timer whose command
      // changed nothing (it fired early by the clock) is armed again rather than lost.
      for (const id of new Set(commands.map(({ command }) => command.actionId))) this.timers.set(id, this.table.timer(id));
    });
  }

  /**
   * A command the transport dead-lettered after the router kept failing on it: its action's stream
   * says so (a CommandRejected, `unprocessable`), in the same commit, so its sender gets an answer.
   */
  rejectUnprocessable(letter: DeadLettered<ActionCommand>, context: LogContext): void {
    if (!letter.message) return;
    const { events, heads, commit } = this.table.rejectUnprocessable(letter.message, letter.record.partition, letter.reason, this.decideContext());
    if (events.length > 0) context.append(TOPICS.events, events.map((e) => ({ key: e.streamId, value: e })));
    if (heads.length > 0) context.append(TOPICS.heads, heads);
    context.afterCommit(commit);
  }

  private decideContext() {
    return { now: this.clock.now(), directory: this.directory.snapshot(), newId: () => this.ids.next(), policyInForce: this.policy.version(), standing: this.standing };
  }

  /** A command the router sends to another stream, checked as every consumer will check it. */
  private followUp(f: FollowUp): { key: string; value: ActionCommand } {
    // A relayed delegated vote keeps its delegate's command id: the action applies it once, its sender hears the answer.
    const value = { id: 'id' in f ? f.id : this.ids.next(), type: f.type, actionId: f.key, issuedAt: this.clock.now().toISOString(), actor: ROUTER_ACTOR, correlationId: f.correlationId, data: f.data } as ActionCommand;
    const check = validateCommand(value);
    if (!check.ok) throw new Error(`router produced an invalid ${f.type}: ${describeErrors(check.errors)}`);
    return { key: f.key, value };
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
