export { loadPolicySet, formatPolicyError, type PolicyFile, type PolicyError, type PolicyLoad } from './policy-loader.ts';
export { compilePolicySet, type CompiledPolicySet, type PolicyInput, type PolicyRule, type ValidatedPolicyFile } from './compiled-policy.ts';
export { policySetSchema, type PolicySetDocument, type RuleSpec, type ApprovalSpec } from './policy-schema.ts';
export { parseDuration } from './duration.ts';
export { describeApproval } from './reasons.ts';
