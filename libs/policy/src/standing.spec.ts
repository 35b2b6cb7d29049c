import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicyError, loadPolicySet, standingChecks, standingConditionProblem } from './index.ts';

const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: test }\nspec:\n  rules:\n';
const FILE = 'config/policies/x.yaml';
const load = (body: string) => loadPolicySet([{ path: FILE, text: HEADER + body }]);
const STANDING_RULE = '    - id: exports\n      match: { action: data.export, resource: "prod/**" }\n      effect: require_approval\n' +
  '      approval: { groups: [stewards], standing: { maxTtl: 2h, maxUses: 50 } }\n';
const input = { requester: { id: 'etl', kind: 'agent' as const, groups: [] }, params: { rows: 10 } };

describe('standing approvals in policy files', () => {
  it('given a rule that allows them, then its evaluation carries the bounds and the explanation says so', () => {
    const loaded = load(STANDING_RULE);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatPolicyError).join('\n'));
    const evaluation = loaded.policy.evaluate({ ...input, action: 'data.export', resource: 'prod/customers' });
    assert.deepEqual(evaluation.approval?.standing, { maxTtlSeconds: 7200, maxUses: 50 });
    assert.match(evaluation.explanation ?? '', /approvers may grant standing approvals of up to 50 use\(s\) for up to 2h/);
  });

  it('given a rule without them, then the evaluation carries none: they are off unless allowed', () => {
    const loaded = load('    - id: exports\n      match: { action: data.export }\n      effect: require_approval\n      approval: { groups: [stewards] }\n');
    assert.ok(loaded.ok);
    assert.equal(loaded.policy.evaluate({ ...input, action: 'data.export', resource: 'prod/customers' }).approval?.standing, undefined);
  });

  it('refuses bounds that are missing, too long, or on a rule for policy changes', () => {
    const errors = (body: string) => {
      const loaded = load(body);
      assert.equal(loaded.ok, false);
      return loaded.ok ? [] : loaded.errors.map(formatPolicyError);
    };
    const rule = (standing: string, action = 'data.export') =>
      `    - id: a\n      match: { action: ${action} }\n      effect: require_approval\n      approval: { groups: [g], standing: ${standing} }\n`;
    assert.match(errors(rule('{ maxTtl: 1h }')).join('\n'), /\/spec\/rules\/0\/approval\/standing\/maxUses is required/);
    assert.match(errors(rule('{ maxTtl: 31d, maxUses: 5 }')).join('\n'), /:9: \/spec\/rules\/0\/approval\/standing\/maxTtl must be at most 30d/);
    assert.match(errors(rule('{ maxTtl: 1h, maxUses: 0 }')).join('\n'), /maxUses must be at least 1/);
    assert.match(errors(rule('{ maxTtl: 1h, maxUses: 5 }', 'countersign.policy.publish')).join('\n'), /approval\/standing is not allowed on a rule that matches countersign\.policy\.publish/);
  });
});

describe('the glob and condition matching of standing approvals', () => {
  const checks = standingChecks();
  const proposal = { action: 'data.export', resource: 'prod/customers', params: { rows: 5000, format: 'csv' } };

  it('matches resources as rules do', () => {
    assert.equal(checks.resourceMatches('prod/**', 'prod/customers'), true);
    assert.equal(checks.resourceMatches('prod/*', 'prod/eu/customers'), false);
    assert.equal(checks.resourceMatches('prod/{customers,orders}', 'prod/orders'), true);
    assert.equal(checks.resourceMatches('staging/**', 'prod/customers'), false);
  });

  it('evaluates a condition over params, action and resource: true, false, or an error (never true)', () => {
    assert.equal(checks.holds('params.rows <= 10000', proposal), true);
    assert.equal(checks.holds('params.rows <= 1000', proposal), false);
    assert.equal(checks.holds('resource.startsWith("prod/") && action == "data.export"', proposal), true);
    const missing = checks.holds('params.tables.size() < 3', proposal);
    assert.ok(typeof missing === 'object' && /tables/.test(missing.error), JSON.stringify(missing));
    assert.ok(typeof checks.holds('params.rows <=', proposal) === 'object');
  });

  it('refuses conditions that are not CEL, not boolean, use other variables, or could cost too much', () => {
    assert.equal(standingConditionProblem('params.rows <= 10000'), undefined);
    assert.match(standingConditionProblem('params.rows <=') ?? '', /is not valid CEL/);
    assert.match(standingConditionProblem('resource + "x"') ?? '', /must be a boolean CEL expression/);
    assert.equal(typeof checks.holds('params.rows', proposal), 'object', 'a value that is not a boolean is an error');
    assert.match(standingConditionProblem('context.ticket == "x"') ?? '', /is not valid CEL: .*context/);
    assert.match(standingConditionProblem('requester.kind == "agent"') ?? '', /is not valid CEL: .*requester/);
    assert.match(standingConditionProblem('params.a.all(x, params.a.all(y, params.a.all(z, x == y)))') ?? '', /over the budget of 50000/);
  });

  it('with a clock, a condition that runs over the time budget is an error', () => {
    let t = 0;
    const slow = standingChecks(() => (t += 100));
    const outcome = slow.holds('params.rows <= 10000', proposal);
    assert.ok(typeof outcome === 'object' && /exceeded its evaluation budget/.test(outcome.error));
  });
});
