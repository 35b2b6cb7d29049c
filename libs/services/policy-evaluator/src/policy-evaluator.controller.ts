import { Ctx, Payload } from '@nestjs/microservices';
import { Controller, Inject, Logger } from '@nestjs/common';
import { TOPICS, type SignedProposal } from '@countersign/contracts';
import { LogContext, OnDeadLetter, OnLogMessage, UnprocessableMessage, type ConsumerOptions, type DeadLettered } from '@countersign/messaging';
import { escapeForLog } from '@countersign/telemetry';
import type { PolicyPublished } from './active-policy.ts';
import { PolicyEvaluator, type RecordProposal } from './policy-evaluator.ts';
import { ProposalVerifier } from './proposal-verifier.ts';

export const EVALUATOR_GROUP = 'policy-evaluator';
/** Proposals, shared among the evaluator instances by partition, the partitions of one fetch side by side. */
export const EVALUATOR_CONSUMER: ConsumerOptions = { group: EVALUATOR_GROUP, topic: TOPICS.proposals, concurrentPartitions: 16 };
/** Every instance follows every publication: the policy in force is the latest. */
const POLICIES: ConsumerOptions = { group: `${EVALUATOR_GROUP}.policies`, topic: TOPICS.policies, broadcast: true, start: 'beginning' };

/**
 * Signed proposals in (the transport has checked their shape: it carries ProposeAction only),
 * verified, then out with their evaluation (for the router); publications change the policy in force.
 */
@Controller()
export class PolicyEvaluatorController {
  private readonly logger = new Logger('policy-evaluator');

  constructor(
    @Inject(PolicyEvaluator) private readonly evaluator: PolicyEvaluator,
    @Inject(ProposalVerifier) private readonly verifier: ProposalVerifier,
  ) {}

  /** A record that does not verify is dead-lettered with the reason (UnprocessableMessage) and decides nothing. */
  @OnLogMessage({ ...EVALUATOR_CONSUMER, type: 'ProposeAction' })
  async proposed(@Payload() signed: SignedProposal, @Ctx() context: LogContext): Promise<void> {
    send(context, this.evaluator.evaluate(await this.verifier.verified(signed, context.record)));
  }

  /**
   * A verified proposal the evaluator keeps failing on is denied in the same commit as its dead
   * letter; one that does not verify gets no answer, since nobody proposed it.
   */
  @OnDeadLetter(EVALUATOR_CONSUMER)
  async unevaluable(@Payload() letter: DeadLettered<SignedProposal>, @Ctx() context: LogContext): Promise<void> {
    if (!letter.message) return;
    const proposal = await this.verifier.verified(letter.message, letter.record).catch((error: Error) => {
      this.logger.warn(`not denying dead-lettered ${letter.record.partition}/${letter.record.offset}: ${escapeForLog(error.message)}`);
    });
    if (proposal) send(context, this.evaluator.unevaluable(proposal, letter.reason));
  }

  /** A publication whose files do not make the version it names is dead-lettered with the reason. */
  @OnLogMessage({ ...POLICIES, type: 'PolicyPublished' })
  published(@Payload() event: PolicyPublished): void {
    const problem = this.evaluator.adopt(event);
    if (problem) throw new UnprocessableMessage(problem);
  }
}

function send(context: LogContext, command: RecordProposal): void {
  context.append(TOPICS.commands, [{ key: command.actionId, value: command }]);
}
