import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS, validateEvent, type ActionEvent, type CommandEnvelope, type PolicyEvaluatedData } from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import type { CompiledPolicySet } from '@countersign/policy';
import { CLOCK, DIRECTORY, ID_SOURCE, POLICY_SET, READINESS, type Clock, type IdSource, type Readiness } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ActivePolicy, type PolicyPublished } from './active-policy.ts';

const EVALUATOR_ACTOR = { id: 'policy-evaluator', kind: 'service' as const };

/**
 * Evaluates proposals with the policy in force: the configured files until the first
 * publication, then the latest PolicyPublished. Keeps no per-action state; a redelivered proposal
 * yields a second command that the router ignores (the action is no longer proposed).
 */
@Injectable()
export class PolicyEvaluator implements OnApplicationBootstrap {
  private readonly logger = new Logger('policy-evaluator');
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

  /** Every publication so far, from the small policies topic, before the first evaluation. */
  async onApplicationBootstrap(): Promise<void> {
    const ready = this.readiness.pending('policy-evaluator');
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
    ready();
  }

  /** Makes the version in use visible in the log and on /healthz. */
  private report(): void {
    const info = this.policy.info();
    this.readiness.report('policy', info);
    this.logger.log(`evaluating with policy version ${info.version.slice(0, 12)} (${info.source})`);
  }

  /** Takes a publication into use; returns why it cannot be, if so (it is then ignored). */
  adopt(event: PolicyPublished): string | undefined {
    const applied = this.policy.apply(event);
    if (!applied.ok) {
      this.logger.error(`ignoring publication ${event.id} of action ${event.streamId}: ${escapeForLog(applied.reason)}`);
      return applied.reason;
    }
    if (applied.changed) this.report();
    return undefined;
  }

  /** Times each condition, so one that runs over its budget counts as an error (fail closed). */
  private readonly elapsed = () => this.clock.now().getTime();

  /** The command that records what policy says about a proposal. */
  evaluate(event: Extract<ActionEvent, { type: 'ActionProposed' }>): CommandEnvelope<'RecordPolicyEvaluation', PolicyEvaluatedData> {
    const d = event.data;
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
      // The transport's span for this message: the router's step is its child.
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
      data: evaluation,
    };
    return command;
  }
}
