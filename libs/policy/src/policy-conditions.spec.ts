import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileSpec, inputOf } from './testing/policy-test-kit.ts';
import type { PolicyInput } from './index.ts';

describe('CEL conditions', () => {
  // given a policy whose rules hold only under conditions over every variable
  const policy = compileSpec({
    defaults: { approval: { groups: ['security'] } },
    rules: [
      { id: 'small-export', match: { action: 'data.export' }, when: 'params.rows <= 1000', effect: 'allow' },
      { id: 'huge-export', match: { action: 'data.export' }, when: ['params.rows > 1000000', 'resource.startsWith("prod/")'], effect: 'deny' },
      { id: 'night-change', match: { action: 'infra.*' }, when: 'now.getHours("UTC") < 6', effect: 'deny', reason: 'No infrastructure changes at night.' },
      { id: 'agent-sudo', match: { action: 'iam.escalate' }, when: 'requester.kind == "agent" && !("trusted" in requester.groups)', effect: 'deny' },
      { id: 'ticketed', match: { action: 'iam.escalate' }, when: 'has(context.ticket) && context.ticket.startsWith("CHG-")', effect: 'allow' },
      { id: 'exact-action', match: { action: 'ops.*' }, when: 'action == "ops.restart"', effect: 'allow' },
    ],
  });
  const at = (hour: number) => new Date(Date.UTC(2026, 10, 22, hour, 30));
  const human = { id: 'alice', kind: 'human' as const, groups: [] };

  const cases: { name: string; given: PolicyInput; outcome: string; rule: string; held?: string[]; errored?: string[] }[] = [
    { name: 'a condition that holds lets its rule apply', given: inputOf('data.export', { params: { rows: 10 } }), outcome: 'allow', rule: 'small-export', held: ['params.rows <= 1000'] },
    { name: 'a condition that does not hold leaves its rule out', given: inputOf('data.export', { params: { rows: 5000 } }), outcome: 'require_approval', rule: 'default' },
    {
      name: 'every listed condition must hold',
      given: inputOf('data.export', { params: { rows: 2_000_000 }, resource: 'prod/db' }),
      outcome: 'deny',
      rule: 'huge-export',
      held: ['params.rows > 1000000', 'resource.startsWith("prod/")'],
    },
    { name: 'a false condition beside an erroring one leaves the rule out', given: inputOf('data.export', { params: { rows: 'many' }, resource: 'dev/db' }), outcome: 'require_approval', rule: 'default', errored: ['small-export'] },
    { name: 'one failing condition of several leaves the rule out', given: inputOf('data.export', { params: { rows: 2_000_000 }, resource: 'dev/db' }), outcome: 'require_approval', rule: 'default' },
    { name: 'now is the evaluation time', given: inputOf('infra.apply', { now: at(3) }), outcome: 'deny', rule: 'night-change', held: ['now.getHours("UTC") < 6'] },
    { name: 'now in the day', given: inputOf('infra.apply', { now: at(14) }), outcome: 'require_approval', rule: 'default' },
    { name: 'requester fields', given: inputOf('iam.escalate'), outcome: 'deny', rule: 'agent-sudo', held: ['requester.kind == "agent" && !("trusted" in requester.groups)'] },
    { name: 'context fields, with has()', given: inputOf('iam.escalate', { requester: human, context: { ticket: 'CHG-12' } }), outcome: 'allow', rule: 'ticketed', held: ['has(context.ticket) && context.ticket.startsWith("CHG-")'] },
    { name: 'has() on a missing field is false, not an error', given: inputOf('iam.escalate', { requester: human }), outcome: 'require_approval', rule: 'default' },
    { name: 'the action variable', given: inputOf('ops.restart'), outcome: 'allow', rule: 'exact-action', held: ['action == "ops.restart"'] },
    // Fail closed: an error never lets an allow rule apply, and never lets a deny rule off.
    { name: 'an allow rule whose condition errors does not apply', given: inputOf('data.export', { params: {} }), outcome: 'require_approval', rule: 'default', errored: ['small-export'] },
    {
      name: 'a deny rule whose condition errors applies',
      given: inputOf('data.export', { params: { rows: 'many' }, resource: 'prod/db' }),
      outcome: 'deny',
      rule: 'huge-export',
      held: ['resource.startsWith("prod/")'],
      errored: ['small-export', 'huge-export'],
    },
    { name: 'a condition on now without a clock errors, and the deny applies', given: inputOf('infra.apply'), outcome: 'deny', rule: 'night-change', errored: ['night-change'] },
  ];

  for (const c of cases) {
    it(c.name, () => {
      // when the input is evaluated
      const result = policy.evaluate(c.given);
      // then the outcome, the deciding rule and the recorded conditions are as expected
      assert.equal(result.outcome, c.outcome);
      assert.equal(result.rule, c.rule);
      const held = (result.conditions ?? []).filter((r) => r.result === 'held').map((r) => r.expression);
      const errored = (result.conditions ?? []).filter((r) => r.result === 'error').map((r) => r.rule);
      assert.deepEqual(held, c.held ?? []);
      assert.deepEqual(errored, c.errored ?? []);
      for (const e of (result.conditions ?? []).filter((r) => r.result === 'error')) assert.ok(e.error && e.error.length > 0);
    });
  }

  it('explains which conditions held', () => {
    const result = policy.evaluate(inputOf('data.export', { params: { rows: 2_000_000 }, resource: 'prod/db' }));
    assert.match(result.explanation ?? '', /huge-export \[deny\] \(params\.rows > 1000000 held; resource\.startsWith\("prod\/"\) held\)/);
  });

  it('explains why an allow rule was skipped', () => {
    const result = policy.evaluate(inputOf('data.export', { params: {} }));
    assert.match(result.explanation ?? '', /Allow rule small-export was not applied: params\.rows <= 1000 could not be evaluated \(.+\)\./);
  });
});
