export * from './policy-evaluator.module.ts';
export { PolicyEvaluatorService, EVALUATOR_GROUP } from './policy-evaluator.service.ts';
