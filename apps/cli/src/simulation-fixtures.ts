// Test fixtures of the policy simulation: histories as the log would give them, and a candidate.
import assert from 'node:assert/strict';
import { contentHash, type ApprovalRequirement, type PolicyEvaluatedData, type PolicyOutcome } from '@countersign/contracts';
import { loadPolicySet, type ActionHistory, type CompiledPolicySet, type FinalDecision, type SimulationDirectory } from '@countersign/policy';

export const T0 = '2026-03-01T12:00:00.000Z';
export const OLD_VERSION = 'a'.repeat(64);

export const requirement = (groups: string[], quorum = 1, extra: Partial<ApprovalRequirement> = {}): ApprovalRequirement => ({
  groups,
  principals: [],
  quorum,
  distinctGroups: false,
  timeoutSeconds: 3600,
  ...extra,
});

export const evaluated = (outcome: PolicyOutcome, rule: string, approval?: ApprovalRequirement): PolicyEvaluatedData => ({
  outcome,
  policyVersion: OLD_VERSION,
  matchedRules: [rule],
  rule,
  reason: `rule ${rule}: ${outcome}`,
  ...(approval ? { approval } : {}),
});

export interface HistorySpec {
  id: string;
  action: string;
  resource: string;
  requester?: string;
  at?: string;
  then?: PolicyEvaluatedData;
  decision?: FinalDecision;
  justification?: string;
}

export function history(spec: HistorySpec): ActionHistory {
  const params = { id: spec.id };
  return {
    actionId: spec.id,
    proposedAt: spec.at ?? T0,
    proposal: {
      action: spec.action,
      resource: spec.resource,
      params,
      paramsHash: contentHash(params),
      requestHash: contentHash({ params }),
      requester: { id: spec.requester ?? 'demo-agent', kind: 'agent', identities: [] },
      ...(spec.justification !== undefined ? { justification: spec.justification } : {}),
    },
    ...(spec.then ? { evaluation: spec.then } : {}),
    ...(spec.decision ? { decision: spec.decision } : {}),
  };
}

export const autoApproved: FinalDecision = { kind: 'approved', at: T0, automatic: true, approvers: [], breakGlass: false };
export const approvedBy = (...approvers: string[]): FinalDecision => ({ kind: 'approved', at: T0, automatic: false, approvers, breakGlass: false });
export const deniedByPolicy: FinalDecision = { kind: 'denied', at: T0, automatic: true };
export const deniedBy = (who: string): FinalDecision => ({ kind: 'denied', at: T0, automatic: false, deniedBy: who });

export const directory: SimulationDirectory = {
  get: (id) => ({ 'demo-agent': { groups: ['agents'] }, alice: { groups: ['data-stewards'] } })[id],
  ownersOf: (resource) => (resource.startsWith('db/orders') ? ['dana'] : []),
};

/** Reads allowed; prod exports need two (stewards, security); escalation denied; staging drops allowed. */
export const CANDIDATE_YAML = `apiVersion: countersign.dev/v1
kind: PolicySet
metadata: { name: candidate }
spec:
  defaults:
    approval: { groups: [security], quorum: 1, timeout: 1h }
  rules:
    - id: data-read
      match: { action: data.read }
      effect: allow
    - id: prod-export-two
      match: { action: data.export, resource: "prod/**" }
      effect: require_approval
      approval: { groups: [data-stewards, security], quorum: 2, timeout: 1h }
    - id: no-iam
      match: { action: iam.escalate }
      effect: deny
    - id: staging-drop
      match: { action: db.drop, resource: "staging/**" }
      effect: allow
    - id: prod-drop
      match: { action: db.drop, resource: "prod/**" }
      effect: deny
`;

export function candidate(text = CANDIDATE_YAML): CompiledPolicySet {
  const load = loadPolicySet([{ path: 'candidate/policy.yaml', text }]);
  assert.ok(load.ok, JSON.stringify(!load.ok && load.errors));
  return load.policy;
}
