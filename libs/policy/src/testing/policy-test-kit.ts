// Test helpers shared by the policy specs: compile a spec written as data, build inputs.
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { loadPolicySet, type CompiledPolicySet, type PolicyInput } from '../index.ts';

export function compileSpec(spec: object): CompiledPolicySet {
  const text = stringify({ apiVersion: 'countersign.dev/v1', kind: 'PolicySet', metadata: { name: 'test' }, spec });
  const loaded = loadPolicySet([{ path: 'test.yaml', text }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.policy;
}

export function inputOf(action: string, overrides: Partial<PolicyInput> = {}): PolicyInput {
  return { action, resource: 'any/thing', params: {}, requester: { id: 'agent-1', kind: 'agent', groups: [] }, ...overrides };
}
