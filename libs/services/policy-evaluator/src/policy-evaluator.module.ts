import { Module } from '@nestjs/common';
import { PolicyEvaluatorService } from './policy-evaluator.service.ts';

/** The policy evaluator: ActionProposed → policy decision, with no per-action state. */
@Module({ providers: [PolicyEvaluatorService] })
export class PolicyEvaluatorModule {}
