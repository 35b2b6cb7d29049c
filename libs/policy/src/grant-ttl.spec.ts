import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicyError, loadPolicySet } from './index.ts';

const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: test }\nspec:\n  rules:\n';
const FILE = 'config/policies/grants.yaml';
const INPUT = { action: 'deploy.run', resource: 'prod/web', params: {}, requester: { id: 'ci', kind: 'agent' as const, groups: [] } };

function load(body: string) {
  return loadPolicySet([{ path: FILE, text: HEADER + body }]);
}

describe('the grant of an approval: grantTtl and grantAudience on rules', () => {
  it('given an allow rule with grantTtl and grantAudience, when it wins, then the evaluation carries them', () => {
    const loaded = load('    - id: deploys\n      match: { action: deploy.run }\n      effect: allow\n      grantTtl: 2m\n      grantAudience: deployer\n');
    assert.ok(loaded.ok);
    const evaluation = loaded.policy.evaluate(INPUT);
    assert.equal(evaluation.grantTtlSeconds, 120);
    assert.equal(evaluation.grantAudience, 'deployer');
  });

  it('given a rule without them, when it wins, then the evaluation leaves them out (the gateway default applies)', () => {
    const loaded = load('    - id: deploys\n      match: { action: deploy.run }\n      effect: require_approval\n      approval: { groups: [sre] }\n');
    assert.ok(loaded.ok);
    const evaluation = loaded.policy.evaluate(INPUT);
    assert.equal('grantTtlSeconds' in evaluation, false);
    assert.equal('grantAudience' in evaluation, false);
  });

  it('given a grantTtl over a day or on a deny rule, when loaded, then it is refused at its line', () => {
    const long = load('    - id: a\n      match: { action: x }\n      effect: allow\n      grantTtl: 2d\n');
    assert.equal(long.ok, false);
    assert.match(long.ok ? '' : long.errors.map(formatPolicyError).join('\n'), /grants\.yaml:\d+: \/spec\/rules\/0\/grantTtl must be at most 1d/);
    const denied = load('    - id: a\n      match: { action: x }\n      effect: deny\n      grantAudience: deployer\n');
    assert.equal(denied.ok, false);
    assert.match(denied.ok ? '' : denied.errors.map(formatPolicyError).join('\n'), /\/spec\/rules\/0\/grantAudience is only allowed when effect is allow or require_approval/);
    const malformed = load('    - id: a\n      match: { action: x }\n      effect: allow\n      grantTtl: soon\n');
    assert.equal(malformed.ok, false);
  });
});
