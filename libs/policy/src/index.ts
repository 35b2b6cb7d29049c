export { loadPolicySet, formatPolicyError, type PolicyFile, type PolicyError, type PolicyLoad } from './policy-loader.ts';
export { compilePolicySet, type CompiledPolicySet, type PolicyInput, type PolicyRule, type ValidatedPolicyFile } from './compiled-policy.ts';
export { policySetSchema, type PolicySetDocument, type RuleSpec, type ApprovalSpec, type MatchSpec, type RequesterMatch } from './policy-schema.ts';
export { CONDITION_VARIABLES, RUNTIME_BUDGET_MS } from './conditions.ts';
export { COST_BUDGET } from './condition-cost.ts';
export type { EvaluationOptions } from './evaluator.ts';
export { parseDuration } from './duration.ts';
export { describeApproval } from './reasons.ts';
export { standingChecks, standingConditionProblem, type StandingInput } from './standing.ts';
// Policy simulation (`countersign policy simulate`, `POST /v1/policies/simulate`): replays recorded proposals against a candidate.
export { foldHistories, HISTORY_EVENT_TYPES, type ActionHistory, type FinalDecision } from './simulation/action-history.ts';
export { describeRequirementChange, formatSeconds, requirementDirection, sameRequirement, type Direction } from './simulation/approval-change.ts';
export { policyInputOf, selectHistories, simulate, type SimulatedChange, type SimulatedDecision, type SimulationDirectory, type SimulationFilter, type SimulationReport, type SimulationTotals, type Transition } from './simulation/policy-simulate.ts';
