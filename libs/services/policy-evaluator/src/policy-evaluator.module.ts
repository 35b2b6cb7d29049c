import { Module } from '@nestjs/common';
import { PolicyEvaluator } from './policy-evaluator.ts';
import { PolicyEvaluatorController } from './policy-evaluator.controller.ts';
import { ProposalVerifier } from './proposal-verifier.ts';

/** The policy evaluator: signed proposal → verified → policy decision, with no per-action state. */
@Module({ controllers: [PolicyEvaluatorController], providers: [PolicyEvaluator, ProposalVerifier] })
export class PolicyEvaluatorModule {}
