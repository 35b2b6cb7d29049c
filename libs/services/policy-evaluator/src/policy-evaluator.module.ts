import { Module } from '@nestjs/common';
import { PolicyEvaluator } from './policy-evaluator.ts';
import { PolicyEvaluatorController } from './policy-evaluator.controller.ts';

/** The policy evaluator: ActionProposed → policy decision, with no per-action state. */
@Module({ controllers: [PolicyEvaluatorController], providers: [PolicyEvaluator] })
export class PolicyEvaluatorModule {}
