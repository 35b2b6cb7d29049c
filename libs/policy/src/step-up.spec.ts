import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPolicyError, loadPolicySet } from './index.ts';

// A rule may require step-up for its approvals (docs/step-up.md): `approval: { …, stepUp: webauthn }`.
const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: test }\nspec:\n  rules:\n';
const FILE = 'config/policies/x.yaml';
const load = (body: string) => loadPolicySet([{ path: FILE, text: HEADER + body }]);
const INPUT = { action: 'prod.deploy', resource: 'svc/api', params: {}, requester: { id: 'bot', kind: 'agent' as const, groups: [] } };

describe('step-up in policy', () => {
  it('given a rule with stepUp: webauthn, when a proposal matches it, then the evaluation and its approval carry stepUp', () => {
    const loaded = load('    - id: deploys\n      match: { action: prod.deploy }\n      effect: require_approval\n      approval: { groups: [sre], stepUp: webauthn }\n');
    assert.ok(loaded.ok);
    const evaluation = loaded.policy.evaluate(INPUT);
    assert.equal(evaluation.stepUp, 'webauthn');
    assert.equal(evaluation.approval?.stepUp, 'webauthn');
    assert.match(evaluation.explanation ?? '', /step-up/);
  });

  it('given the rule docs/step-up.md shows, when it loads, then it requires step-up', () => {
    const page = readFileSync(fileURLToPath(new URL('../../../docs/step-up.md', import.meta.url)), 'utf8');
    const rule = /```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const loaded = load(rule.split('\n').map((line) => (line ? `    ${line}` : line)).join('\n'));
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatPolicyError).join('\n'));
    assert.equal(loaded.policy.evaluate({ ...INPUT, action: 'deploy.prod' }).stepUp, 'webauthn');
  });

  it('given a rule without stepUp, when a proposal matches it, then nothing says step-up', () => {
    const loaded = load('    - id: deploys\n      match: { action: prod.deploy }\n      effect: require_approval\n      approval: { groups: [sre] }\n');
    assert.ok(loaded.ok);
    const evaluation = loaded.policy.evaluate(INPUT);
    assert.equal('stepUp' in evaluation, false);
    assert.equal(evaluation.approval && 'stepUp' in evaluation.approval, false);
  });

  it('given an unknown step-up method, when the policy loads, then it is refused at the field', () => {
    const loaded = load('    - id: deploys\n      match: { action: prod.deploy }\n      effect: require_approval\n      approval: { groups: [sre], stepUp: sms }\n');
    assert.equal(loaded.ok, false);
    assert.match(loaded.ok ? '' : loaded.errors.map(formatPolicyError).join('\n'), /\/spec\/rules\/0\/approval\/stepUp/);
  });

  it('given stepUp with standing approvals, when the policy loads, then it is refused: a standing approval would skip the step-up', () => {
    const loaded = load('    - id: deploys\n      match: { action: prod.deploy }\n      effect: require_approval\n      approval: { groups: [sre], stepUp: webauthn, standing: { maxTtl: 1h, maxUses: 2 } }\n');
    assert.equal(loaded.ok, false);
    assert.match(loaded.ok ? '' : loaded.errors.map(formatPolicyError).join('\n'), /\/spec\/rules\/0\/approval\/standing is not allowed with stepUp/);
  });
});
