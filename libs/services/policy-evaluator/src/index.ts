export * from './policy-evaluator.module.ts';
export { PolicyEvaluator } from './policy-evaluator.ts';
export { PolicyEvaluatorController, EVALUATOR_GROUP } from './policy-evaluator.controller.ts';
export { ProposalVerifier } from './proposal-verifier.ts';
