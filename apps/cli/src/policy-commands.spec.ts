import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadDirectory } from '@countersign/identity';
import { evalPolicy, testPolicies, validatePolicies } from './policy-commands.ts';
import { resolvePolicyInput } from './policy-input.ts';

const demo = { path: 'config/demo/policies/demo.yaml', text: readFileSync(new URL('../../../config/demo/policies/demo.yaml', import.meta.url), 'utf8') };
const demoTests = { path: 'config/demo/policy-tests.yaml', text: readFileSync(new URL('../../../config/demo/policy-tests.yaml', import.meta.url), 'utf8') };

const principals = {
  path: 'principals/people.yaml',
  text: `apiVersion: countersign.dev/v1
kind: PrincipalList
metadata: { name: people }
spec:
  principals:
    - { id: alice, kind: human, groups: [data-stewards] }
`,
};

const input = (value: unknown) => ({ path: 'input.json', text: JSON.stringify(value) });
const agent = { id: 'demo-agent', kind: 'agent' };
const decide = (value: unknown) => {
  const result = evalPolicy({ policies: [demo], input: input(value) });
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout);
};

describe('countersign policy validate', () => {
  it('given the demo policy, prints the rule and file count and the short version', () => {
    const result = validatePolicies([demo]);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^ok: 6 rules in 1 files, version [0-9a-f]{12}\n$/);
  });

  it('given invalid files, prints every error as file:line: pointer message and exits 1', () => {
    const broken = { path: 'p/10-broken.yaml', text: demo.text.replace('effect: deny', 'effect: refuse') };
    const result = validatePolicies([broken]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^p\/10-broken\.yaml:\d+: \/spec\/rules\/4\/effect must be one of allow, deny, require_approval\n$/);
  });
});

describe('countersign policy eval', () => {
  it('allows reads', () => {
    const d = decide({ action: 'data.read', resource: 'prod/x', requester: agent });
    assert.deepEqual([d.outcome, d.rule, d.matchedRules, d.approval], ['allow', 'data-read', ['data-read'], null]);
    assert.match(d.policyVersion, /^[0-9a-f]{64}$/);
    assert.equal(typeof d.reason, 'string');
  });

  it('denies dropping a database', () => {
    assert.equal(decide({ action: 'db.drop', resource: 'prod/orders', requester: agent }).outcome, 'deny');
  });

  it('requires a data steward for production exports', () => {
    const d = decide({ action: 'data.export', resource: 'prod/customers', params: { format: 'csv' }, requester: agent });
    assert.equal(d.outcome, 'require_approval');
    assert.equal(d.rule, 'prod-export');
    assert.deepEqual([d.approval.groups, d.approval.quorum], [['data-stewards'], 1]);
  });

  it('falls to the default for anything else', () => {
    const d = decide({ action: 'deploy.rollout', resource: 'prod/web', requester: agent });
    assert.deepEqual([d.outcome, d.rule, d.approval.groups], ['require_approval', 'default', ['security']]);
  });

  it('given bad input, prints one line naming the field and exits 1', () => {
    const result = evalPolicy({ policies: [demo], input: input({ action: 'data.read', resource: 'x', requester: { id: 'a', kind: 'robot' } }) });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, 'countersign: input.json: /requester/kind must be one of agent, human\n');
  });

  it('given a missing field or text that is not JSON, says so', () => {
    const missing = evalPolicy({ policies: [demo], input: input({ action: 'data.read', requester: agent }) });
    assert.equal(missing.stderr, 'countersign: input.json: /resource is required\n');
    const notJson = evalPolicy({ policies: [demo], input: { path: '-', text: '{' } });
    assert.match(notJson.stderr, /^countersign: stdin: not valid JSON/);
  });

  it('given principals, rejects a requester the directory does not know', () => {
    const result = evalPolicy({ policies: [demo], principals: [principals], input: input({ action: 'data.read', resource: 'x', requester: { id: 'mallory', kind: 'human' } }) });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, 'countersign: input.json: /requester/id names no principal of the directory ("mallory")\n');
  });
});

describe('resolvePolicyInput', () => {
  const load = loadDirectory([principals]);
  assert.ok(load.ok);
  const requester = (groups?: string[]) => ({ action: 'a', resource: 'r', requester: { id: 'alice', kind: 'human' as const, ...(groups ? { groups } : {}) } });

  it('takes the groups from the directory when the input leaves them out', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const resolved = resolvePolicyInput(requester(), load.directory, now);
    assert.deepEqual(resolved.ok && resolved.input, { action: 'a', resource: 'r', params: {}, resourceOwners: [], now, requester: { id: 'alice', kind: 'human', groups: ['data-stewards'] } });
  });

  it('keeps the groups the input names, and has none without a directory', () => {
    const named = resolvePolicyInput(requester(['security']), load.directory);
    assert.deepEqual(named.ok && named.input.requester.groups, ['security']);
    const none = resolvePolicyInput(requester());
    assert.deepEqual(none.ok && none.input.requester.groups, []);
  });
});

describe('countersign policy test', () => {
  it('given the demo cases, passes them all', () => {
    const result = testPolicies({ policies: [demo], cases: [demoTests] });
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ok {3}reads run at once\n/);
    assert.match(result.stdout, /\n9 passed, 0 failed\n$/);
  });

  it('given a case expecting the wrong outcome, reports it and exits 1', () => {
    const cases = {
      path: 'cases.yaml',
      text: `cases:
  - name: reads are denied
    input: { action: data.read, resource: x, requester: { id: a, kind: agent } }
    expect: { outcome: deny }
  - name: exports need two
    input: { action: data.export, resource: prod/x, requester: { id: a, kind: agent } }
    expect: { outcome: require_approval, approvalGroups: [security], quorum: 2 }
`,
    };
    const result = testPolicies({ policies: [demo], cases: [cases] });
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stdout,
      'FAIL reads are denied: expected outcome deny, got allow (rule data-read)\n' +
        'FAIL exports need two: expected approval groups [security], got [data-stewards] (rule prod-export); expected quorum 2, got 1 (rule prod-export)\n' +
        '0 passed, 2 failed\n',
    );
  });

  it('given a malformed cases file, prints file:line: pointer message and runs nothing', () => {
    const cases = {
      path: 'cases.yaml',
      text: `cases:
  - name: one
    input: { action: data.read, resource: x, requester: { id: a, kind: agent } }
    expect: { outcome: maybe }
  - name: one
    input: { action: data.read, resource: x, requester: { id: a, kind: agent } }
    expect: { outcome: allow }
`,
    };
    const result = testPolicies({ policies: [demo], cases: [cases] });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'cases.yaml:4: /cases/0/expect/outcome must be one of allow, deny, require_approval\n');
    const duplicate = testPolicies({ policies: [demo], cases: [{ path: 'c.yaml', text: cases.text.replace('maybe', 'allow') }] });
    assert.equal(duplicate.stderr, 'c.yaml:5: /cases/1/name duplicates case name "one" (first at line 2)\n');
    const syntax = testPolicies({ policies: [demo], cases: [{ path: 'c.yaml', text: 'cases: [\n' }] });
    assert.match(syntax.stderr, /^c\.yaml:\d+: YAML syntax error/);
  });
});
