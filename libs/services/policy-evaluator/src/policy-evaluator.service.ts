import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  TOPICS, describeErrors, validateEvent, type ActionEvent, type CommandEnvelope, type PolicyEvaluatedData,
} from '@countersign/contracts';
import { EVENT_LOG, type BatchContext, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import type { CompiledPolicySet } from '@countersign/policy';
import { ActivePolicy, type PolicyPublished } from './active-policy.ts';
import { startActionSpan } from '@countersign/telemetry';
import { CLOCK, DIRECTORY, ID_SOURCE, POLICY_SET, READINESS, deadLetterRecord, type Clock, type IdSource, type Readiness } from '@countersign/runtime';

export const EVALUATOR_GROUP = 'policy-evaluator';
const EVALUATOR_ACTOR = { id: 'policy-evaluator', kind: 'service' as const };

/**
 * Turns each ActionProposed into a RecordPolicyEvaluation command for the router, with the policy
 * set built from PolicyPublished events (the configured files until the first publication).
 * Redelivery yields a second command that the router ignores (the action is no longer proposed).
 */
@Injectable()
export class PolicyEvaluatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('policy-evaluator');
  private subscription?: Subscription;
  private readonly policy: ActivePolicy;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(POLICY_SET) private readonly seed: CompiledPolicySet,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {
    this.policy = new ActivePolicy(this.seed);
  }

  async onApplicationBootstrap(): Promise<void> {
    const ready = this.readiness.pending('policy-evaluator');
    // Every publication so far, from the small policies topic, before the first evaluation.
    await this.log.readAll(TOPICS.policies, (records) => {
      for (const record of records) {
        const check = validateEvent(record.value);
        if (check.ok && check.value.type === 'PolicyPublished') this.adopt(check.value);
        else this.logger.error(`skipping an unreadable record at ${record.partition}/${record.offset} of ${TOPICS.policies}`);
      }
    });
    this.report();
    const info = this.policy.info();
    if (info.source === 'published' && info.version !== this.seed.version) {
      // Editing the files after a publication changes nothing: say so, rather than surprise.
      this.logger.warn(
        `the configured policy files (version ${this.seed.version.slice(0, 12)}) are not in force: the latest publication on the log ` +
          `(version ${info.version.slice(0, 12)}) is; propose them with POST /v1/policies to apply them`,
      );
    }
    this.subscription = await this.log.subscribe({
      group: EVALUATOR_GROUP,
      topic: TOPICS.events,
      handler: (records, context) => this.handle(records, context),
    });
    ready();
  }

  /** Makes the version in use visible in the log and on /healthz. */
  private report(): void {
    const info = this.policy.info();
    this.readiness.report('policy', info);
    this.logger.log(`evaluating with policy version ${info.version.slice(0, 12)} (${info.source})`);
  }

  private adopt(event: PolicyPublished): string | undefined {
    const applied = this.policy.apply(event);
    if (!applied.ok) {
      this.logger.error(`ignoring publication ${event.id} of action ${event.streamId}: ${applied.reason}`);
      return applied.reason;
    }
    if (applied.changed) this.report();
    return undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private async handle(records: DeliveredRecord[], context: BatchContext): Promise<void> {
    const commands = [];
    for (const record of records) {
      const check = validateEvent(record.value);
      if (!check.ok) {
        context.append(TOPICS.deadLetter, [deadLetterRecord(EVALUATOR_GROUP, record, describeErrors(check.errors), this.clock.now())]);
        continue;
      }
      // In log order: a publication applies to the proposals after it in the same batch.
      if (check.value.type === 'PolicyPublished') {
        const problem = this.adopt(check.value);
        if (problem) context.append(TOPICS.deadLetter, [deadLetterRecord(EVALUATOR_GROUP, record, problem, this.clock.now())]);
        continue;
      }
      if (check.value.type !== 'ActionProposed') continue;
      commands.push(this.evaluate(check.value));
    }
    if (commands.length > 0) context.append(TOPICS.commands, commands.map((c) => ({ key: c.actionId, value: c })));
  }

  /** Times each condition, so one that runs over its budget counts as an error (fail closed). */
  private readonly elapsed = () => this.clock.now().getTime();

  private evaluate(event: Extract<ActionEvent, { type: 'ActionProposed' }>): CommandEnvelope<'RecordPolicyEvaluation', PolicyEvaluatedData> {
    const d = event.data;
    const { span, traceparent } = startActionSpan('policy-evaluator evaluate', event.traceparent, { 'countersign.action_id': event.streamId, 'countersign.action': d.action });
    const groups = this.directory.get(d.requester.id)?.groups ?? [];
    const evaluation = this.policy.current().evaluate({
      action: d.action,
      resource: d.resource,
      params: d.params,
      ...(d.context ? { context: d.context } : {}),
      ...(d.justification !== undefined ? { justification: d.justification } : {}),
      requester: { id: d.requester.id, kind: d.requester.kind, groups: [...groups] },
      resourceOwners: this.directory.ownersOf(d.resource),
      now: this.clock.now(),
    }, { clock: this.elapsed });
    const command: CommandEnvelope<'RecordPolicyEvaluation', PolicyEvaluatedData> = {
      id: this.ids.next(),
      type: 'RecordPolicyEvaluation',
      actionId: event.streamId,
      issuedAt: this.clock.now().toISOString(),
      actor: EVALUATOR_ACTOR,
      correlationId: event.correlationId,
      ...(traceparent ? { traceparent } : {}),
      data: evaluation,
    };
    span.setAttribute('countersign.policy_outcome', evaluation.outcome);
    span.end();
    return command;
  }
}
