import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type EventEnvelope, type ActionProposedData } from '@countersign/contracts';
import { LogContext, OnLogMessage, UnprocessableMessage, type ConsumerOptions } from '@countersign/messaging';
import type { PolicyPublished } from './active-policy.ts';
import { PolicyEvaluator } from './policy-evaluator.ts';

export const EVALUATOR_GROUP = 'policy-evaluator';
const EVALUATOR: ConsumerOptions = { group: EVALUATOR_GROUP, topic: TOPICS.events };

/** Proposals in, evaluations out (as commands for the router); publications change the policy in force, in log order. */
@Controller()
export class PolicyEvaluatorController {
  constructor(@Inject(PolicyEvaluator) private readonly evaluator: PolicyEvaluator) {}

  @OnLogMessage({ ...EVALUATOR, type: 'ActionProposed' })
  proposed(@Payload() event: EventEnvelope<'ActionProposed', ActionProposedData>, @Ctx() context: LogContext): void {
    const command = this.evaluator.evaluate(event);
    context.append(TOPICS.commands, [{ key: command.actionId, value: command }]);
  }

  /** A publication whose files do not make the version it names is dead-lettered with the reason. */
  @OnLogMessage({ ...EVALUATOR, type: 'PolicyPublished' })
  published(@Payload() event: PolicyPublished): void {
    const problem = this.evaluator.adopt(event);
    if (problem) throw new UnprocessableMessage(problem);
  }
}
