import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type ActionCommand, type CommandEnvelope, type ProposeActionData } from '@countersign/contracts';
import { LogContext, OnDeadLetter, OnLogMessage, UnprocessableMessage, type ConsumerOptions, type DeadLettered } from '@countersign/messaging';
import type { PolicyPublished } from './active-policy.ts';
import { PolicyEvaluator, type RecordProposal } from './policy-evaluator.ts';

export const EVALUATOR_GROUP = 'policy-evaluator';
/** Proposals, shared among the evaluator instances by partition, the partitions of one fetch side by side. */
export const EVALUATOR_CONSUMER: ConsumerOptions = { group: EVALUATOR_GROUP, topic: TOPICS.proposals, concurrentPartitions: 16 };
/** Every instance follows every publication: the policy in force is the latest. */
const POLICIES: ConsumerOptions = { group: `${EVALUATOR_GROUP}.policies`, topic: TOPICS.policies, broadcast: true, start: 'beginning' };

type Proposal = CommandEnvelope<'ProposeAction', ProposeActionData>;

/** Proposals in, proposals with their evaluation out (for the router); publications change the policy in force. */
@Controller()
export class PolicyEvaluatorController {
  constructor(@Inject(PolicyEvaluator) private readonly evaluator: PolicyEvaluator) {}

  @OnLogMessage({ ...EVALUATOR_CONSUMER, type: 'ProposeAction' })
  proposed(@Payload() proposal: Proposal, @Ctx() context: LogContext): void {
    send(context, this.evaluator.evaluate(proposal));
  }

  /** The proposals topic carries proposals only: anything else is dead-lettered, never forwarded. */
  @OnLogMessage({ ...EVALUATOR_CONSUMER, type: '*' })
  other(@Payload() message: ActionCommand): void {
    throw new UnprocessableMessage(`the proposals topic carries ProposeAction only, not ${message.type}`);
  }

  /** A proposal the evaluator keeps failing on is denied in the same commit as its dead letter. */
  @OnDeadLetter(EVALUATOR_CONSUMER)
  unevaluable(@Payload() letter: DeadLettered<ActionCommand>, @Ctx() context: LogContext): void {
    if (letter.message?.type !== 'ProposeAction') return;
    send(context, this.evaluator.unevaluable(letter.message, letter.reason));
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
