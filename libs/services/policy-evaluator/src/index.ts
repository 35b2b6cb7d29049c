export * from './policy-evaluator.module.ts';
export { PolicyEvaluatorService, EVALUATOR_GROUP, type PolicyInput } from './policy-evaluator.service.ts';
