import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPolicySet, type CompiledPolicySet } from './index.ts';

// The documented demo workspace, read from disk: what the README promises must stay true.
const DEMO_POLICY = fileURLToPath(new URL('../../../config/demo/policies/demo.yaml', import.meta.url));

function demoPolicy(): CompiledPolicySet {
  const loaded = loadPolicySet([{ path: DEMO_POLICY, text: readFileSync(DEMO_POLICY, 'utf8') }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.policy;
}

const oneHour = 3600;
const stewards = { groups: ['data-stewards'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: oneHour };
const security = { groups: ['security'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: oneHour };
const escalation = { groups: ['data-stewards', 'security'], principals: [], quorum: 2, distinctGroups: false, timeoutSeconds: oneHour };

describe('demo policy (config/demo/policies)', () => {
  const policy = demoPolicy();
  const cases = [
    { action: 'data.read', resource: 'prod/customers', outcome: 'allow', rule: 'data-read', approval: undefined },
    { action: 'data.export', resource: 'prod/customers', outcome: 'require_approval', rule: 'prod-export', approval: stewards },
    { action: 'data.export', resource: 'prod/eu/orders', outcome: 'require_approval', rule: 'prod-export', approval: stewards },
    { action: 'data.export', resource: 'staging/x', outcome: 'require_approval', rule: 'default', approval: security },
    { action: 'iam.escalate', resource: 'prod/admins', outcome: 'require_approval', rule: 'iam-escalate', approval: escalation },
    { action: 'db.drop', resource: 'prod/orders', outcome: 'deny', rule: 'db-drop', approval: undefined },
    { action: 'vm.reboot', resource: 'prod/web-1', outcome: 'require_approval', rule: 'default', approval: security },
  ] as const;

  for (const c of cases) {
    it(`${c.action} on ${c.resource}: ${c.outcome} by ${c.rule}`, () => {
      const result = policy.evaluate({ action: c.action, resource: c.resource, params: {}, requester: { id: 'demo-agent', kind: 'agent', groups: [] } });
      assert.equal(result.outcome, c.outcome);
      assert.equal(result.rule, c.rule);
      assert.deepEqual(result.approval, c.approval);
      assert.equal(result.policyVersion, policy.version);
    });
  }
});
