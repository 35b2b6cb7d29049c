import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { createAjv, EVENT_DATA_SCHEMAS } from '@countersign/contracts';
import { loadPolicySet, type CompiledPolicySet, type PolicyInput } from './index.ts';

const validPolicyEvaluated = createAjv().compile(EVENT_DATA_SCHEMAS.PolicyEvaluated);

function compile(spec: object): CompiledPolicySet {
  const text = stringify({ apiVersion: 'countersign.dev/v1', kind: 'PolicySet', metadata: { name: 'test' }, spec });
  const loaded = loadPolicySet([{ path: 'test.yaml', text }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.policy;
}

function input(action: string, resource = 'any/thing'): PolicyInput {
  return { action, resource, params: {}, requester: { id: 'agent-1', kind: 'agent', groups: [] } };
}

const stewards = { groups: ['data-stewards'], quorum: 1, timeout: '1h' };
const security = { groups: ['security'], quorum: 1, timeout: '30m' };

describe('policy evaluation', () => {
  const policy = compile({
    defaults: { approval: security },
    rules: [
      { id: 'read', match: { action: 'data.read' }, effect: 'allow' },
      { id: 'prod-export', match: { action: 'data.export', resource: 'prod/**' }, effect: 'require_approval', approval: stewards },
      { id: 'data-any', match: { action: 'data.*', resource: 'prod/*' }, effect: 'allow' },
      { id: 'pii-deny', match: { action: ['data.export', 'data.delete'], resource: 'prod/pii/**' }, effect: 'deny', reason: 'PII never leaves.' },
      { id: 'two-keys', match: { action: 'iam.escalate' }, effect: 'require_approval', approval: { groups: ['a', 'b'], quorum: 2, distinctGroups: true } },
      { id: 'escalate-too', match: { action: 'iam.*' }, effect: 'require_approval', approval: { principals: ['root'], timeout: '2d' } },
    ],
  });

  const cases: { name: string; given: PolicyInput; outcome: string; rule: string; matched: string[]; reason?: string }[] = [
    { name: 'an exact allow', given: input('data.read'), outcome: 'allow', rule: 'read', matched: ['read'], reason: 'rule read allows data.read' },
    {
      name: 'require_approval beats allow (resource ** and * globs)',
      given: input('data.export', 'prod/customers'),
      outcome: 'require_approval',
      rule: 'prod-export',
      matched: ['prod-export', 'data-any'],
      reason: 'rule prod-export requires 1 approval from data-stewards',
    },
    {
      name: 'deny beats require_approval, with the rule\'s own reason',
      given: input('data.export', 'prod/pii/emails'),
      outcome: 'deny',
      rule: 'pii-deny',
      matched: ['prod-export', 'pii-deny'],
      reason: 'PII never leaves.',
    },
    { name: '* matches one resource segment only', given: input('data.copy', 'prod/a/b'), outcome: 'require_approval', rule: 'default', matched: [] },
    { name: 'an action glob', given: input('data.copy', 'prod/a'), outcome: 'allow', rule: 'data-any', matched: ['data-any'] },
    { name: 'an action in a list', given: input('data.delete', 'prod/pii/x'), outcome: 'deny', rule: 'pii-deny', matched: ['pii-deny'] },
    {
      name: 'several require_approval rules: the first in file order sets the requirement',
      given: input('iam.escalate'),
      outcome: 'require_approval',
      rule: 'two-keys',
      matched: ['two-keys', 'escalate-too'],
      reason: 'rule two-keys requires 2 approvals from distinct groups among a, b',
    },
    {
      name: 'no rule matches: the default approval',
      given: input('vm.reboot'),
      outcome: 'require_approval',
      rule: 'default',
      matched: [],
      reason: 'no rule matched vm.reboot; the default requires 1 approval from security',
    },
    { name: 'a resource outside the glob falls to the default', given: input('data.export', 'staging/x'), outcome: 'require_approval', rule: 'default', matched: [] },
    { name: 'a prefix is not a path segment', given: input('data.export', 'production/x'), outcome: 'require_approval', rule: 'default', matched: [] },
  ];

  for (const c of cases) {
    it(c.name, () => {
      // when
      const result = policy.evaluate(c.given);
      // then
      assert.equal(result.outcome, c.outcome);
      assert.equal(result.rule, c.rule);
      assert.deepEqual(result.matchedRules, c.matched);
      if (c.reason) assert.equal(result.reason, c.reason);
      assert.equal(result.policyVersion, policy.version);
      assert.equal(result.approval !== undefined, c.outcome === 'require_approval');
      assert.ok(validPolicyEvaluated(result), JSON.stringify(validPolicyEvaluated.errors));
    });
  }

  it('carries the winning rule\'s approval requirement with defaults applied', () => {
    assert.deepEqual(policy.evaluate(input('data.export', 'prod/x')).approval, {
      groups: ['data-stewards'],
      principals: [],
      quorum: 1,
      distinctGroups: false,
      timeoutSeconds: 3600,
    });
    assert.deepEqual(policy.evaluate(input('vm.reboot')).approval, { groups: ['security'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 1800 });
  });

  it('principal-only approvals read naturally and keep their timeout', () => {
    const only = compile({ rules: [{ id: 'r', match: { action: 'x' }, effect: 'require_approval', approval: { principals: ['root', 'ops'], timeout: '2d' } }] });
    const result = only.evaluate(input('x'));
    assert.equal(result.reason, 'rule r requires 1 approval from root or ops');
    assert.equal(result.approval?.timeoutSeconds, 2 * 86400);
  });

  it('the compiled rules are read-only', () => {
    assert.throws(() => (policy.rules[0].actions as string[]).push('x'), TypeError);
    assert.throws(() => policy.defaultApproval?.groups.push('x'), TypeError);
  });

  it('callers cannot change the compiled policy through a result', () => {
    policy.evaluate(input('vm.reboot')).approval?.groups.push('everyone');
    assert.deepEqual(policy.evaluate(input('vm.reboot')).approval?.groups, ['security']);
  });
});

describe('policy evaluation without defaults', () => {
  it('denies an unmatched action (fail closed)', () => {
    // given a policy with one rule and no defaults
    const policy = compile({ rules: [{ id: 'read', match: { action: 'data.read' }, effect: 'allow' }] });
    // when an action no rule names is evaluated
    const result = policy.evaluate(input('data.export'));
    // then it is denied by the default
    assert.deepEqual(result, {
      outcome: 'deny',
      policyVersion: policy.version,
      matchedRules: [],
      rule: 'default',
      reason: 'no rule matched and no default approval is configured (fail closed)',
      explanation: `No rule matched data.export on any/thing by agent agent-1. No default approval is configured, so it is denied (fail closed). Policy version ${policy.version.slice(0, 12)}.`,
    });
  });

  it('an empty policy set denies everything', () => {
    const loaded = loadPolicySet([]);
    assert.ok(loaded.ok);
    assert.equal(loaded.policy.evaluate(input('data.read')).outcome, 'deny');
  });
});

describe('policy evaluation order', () => {
  it('follows file path order, then rule order, whatever order the files are given in', () => {
    const file = (name: string, rules: object[]) => ({
      path: name,
      text: stringify({ apiVersion: 'countersign.dev/v1', kind: 'PolicySet', metadata: { name: 'n' }, spec: { rules } }),
    });
    const b = file('b.yaml', [{ id: 'b-glob', match: { action: 'x.*' }, effect: 'allow' }]);
    const a = file('a.yaml', [
      { id: 'a-exact', match: { action: 'x.y' }, effect: 'allow' },
      { id: 'a-both', match: { action: ['x.y', 'x.*'] }, effect: 'allow' },
    ]);
    const loaded = loadPolicySet([b, a]);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.policy.evaluate(input('x.y')).matchedRules, ['a-exact', 'a-both', 'b-glob']);
    assert.deepEqual(loaded.policy.rules.map((r) => `${r.file} ${r.id}`), ['a.yaml a-exact', 'a.yaml a-both', 'b.yaml b-glob']);
    const [first, second] = loaded.policy.rules;
    assert.ok(first.line !== undefined && second.line !== undefined && first.line < second.line, 'rules know their line');
  });
});
