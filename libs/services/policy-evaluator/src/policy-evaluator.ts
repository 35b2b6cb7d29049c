import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  TOPICS, validateEvent, type CommandEnvelope, type PolicyEvaluatedData, type ProposeActionData, type RecordProposalData,
} from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import type { Directory } from '@countersign/identity';
import type { CompiledPolicySet } from '@countersign/policy';
import { CLOCK, DIRECTORY, ID_SOURCE, POLICY_SET, READINESS, type Clock, type IdSource, type Readiness } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ActivePolicy, type PolicyPublished } from './active-policy.ts';

const EVALUATOR_ACTOR = { id: 'policy-evaluator', kind: 'service' as const };

type Proposal = CommandEnvelope<'ProposeAction', ProposeActionData>;
export type RecordProposal = CommandEnvelope<'RecordProposal', RecordProposalData>;

/**
 * Evaluates proposals with the policy in force: the configured files until the first
 * publication, then the latest PolicyPublished. Keeps no per-action state, so it runs ahead of the
 * router: each proposal goes to the router with its evaluation, and the router records both and
 * the decision in one transaction. A redelivered proposal yields the same command (same id), which
 * the router applies once.
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

  /** The proposal with what policy says about it, for the router. */
  evaluate(proposal: Proposal): RecordProposal {
    const d = proposal.data;
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
    return this.recorded(proposal, evaluation);
  }

  /**
   * A proposal the evaluator kept failing on (dead-lettered by the transport) is denied rather than
   * left undecided: the requester gets an answer, and nothing runs unevaluated (fail closed).
   */
  unevaluable(proposal: Proposal, reason: string): RecordProposal {
    const info = this.policy.info();
    return this.recorded(proposal, {
      outcome: 'deny',
      policyVersion: info.version,
      matchedRules: [],
      rule: 'unevaluable',
      reason: `The policy evaluator could not evaluate this proposal (${reason.slice(0, 500)}); denied (fail closed).`,
    });
  }

  private recorded(proposal: Proposal, evaluation: PolicyEvaluatedData): RecordProposal {
    return {
      // The proposal's id: evaluated twice (a redelivery), it is still one command to the router.
      id: proposal.id,
      type: 'RecordProposal',
      actionId: proposal.actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: EVALUATOR_ACTOR,
      correlationId: proposal.correlationId,
      // The transport's span for this message: the router's step is its child.
      ...(proposal.traceparent ? { traceparent: proposal.traceparent } : {}),
      data: { proposal: proposal.data, evaluation },
    };
  }
}
