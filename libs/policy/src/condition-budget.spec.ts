import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COST_BUDGET, formatPolicyError, loadPolicySet, RUNTIME_BUDGET_MS, type PolicyFile } from './index.ts';
import { compileSpec, inputOf } from './testing/policy-test-kit.ts';

// Conditions run under a budget: `matches` is RE2 (linear time), patterns are literals checked at
// load, and a condition whose worst case is over COST_BUDGET never loads. The attacks of the
// review are kept with inputs large enough that the old code would run for minutes or more.
const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: t }\nspec:\n  rules:\n';
const FILE = 'p.yaml';
const withCondition = (when: string): PolicyFile[] => [{ path: FILE, text: `${HEADER}    - id: r\n      match: { action: x }\n      when: '${when}'\n      effect: deny\n` }];
const refusal = (when: string): string => {
  const loaded = loadPolicySet(withCondition(when));
  assert.equal(loaded.ok, false, `${when} should have been refused`);
  return loaded.ok ? '' : loaded.errors.map(formatPolicyError).join('\n');
};

describe('matches() runs on RE2', () => {
  const policy = compileSpec({
    defaults: { approval: { groups: ['security'] } },
    rules: [{ id: 'ticket-shape', match: { action: 'x' }, when: 'context.ticket.matches("^([A-Z]+-?)+[0-9]+$")', effect: 'allow' }],
  });

  it('given the catastrophic-backtracking pattern of the review, when the ticket is 20,000 hostile characters, then it answers (no match) at once', () => {
    // A backtracking engine takes ~1.8^n steps here: 31 characters froze the process for 20 s.
    const result = policy.evaluate(inputOf('x', { context: { ticket: `${'A'.repeat(20_000)}!` } }));
    assert.equal(result.outcome, 'require_approval');
    assert.equal(result.rule, 'default');
  });

  it('given the same pattern, when the ticket fits, then it matches', () => {
    assert.equal(policy.evaluate(inputOf('x', { context: { ticket: 'CHG-OPS-42' } })).outcome, 'allow');
  });

  it('given RE2-only syntax, then it means what RE2 says (\\z is the end of text, \\pL a letter)', () => {
    const re2 = compileSpec({ rules: [{ id: 'r', match: { action: 'x' }, when: ['context.a.matches("c\\\\z")', 'context.b.matches("^\\\\pL+$")'], effect: 'allow' }] });
    assert.equal(re2.evaluate(inputOf('x', { context: { a: 'abc', b: 'Ünïcödé' } })).outcome, 'allow');
  });

  it('given a matches() call on a value that is not text, then it is an error as before, and says matches', () => {
    const result = policy.evaluate(inputOf('x', { context: { ticket: 42 } }));
    assert.equal(result.outcome, 'require_approval');
    assert.match(result.conditions?.[0].error ?? '', /matches/);
    assert.doesNotMatch(result.conditions?.[0].error ?? '', /re2Matches/);
  });

  it('given patterns RE2 refuses, or a pattern that is not a literal, then the policy does not load and says where and why', () => {
    assert.match(refusal('context.a.matches("(a)\\\\1")'), /^p\.yaml:8: \/spec\/rules\/0\/when has the pattern "\(a\)\\\\1", which is not RE2 .*invalid escape sequence/);
    assert.match(refusal('context.a.matches("(?=a)b")'), /not RE2.*unsupported Perl syntax/);
    assert.match(refusal('context.a.matches("x{1001}")'), /not RE2.*invalid repeat count/);
    assert.match(refusal('context.a.matches(context.pattern)'), /^p\.yaml:8: \/spec\/rules\/0\/when uses matches\(\) with a pattern that is not a string literal/);
    assert.match(refusal('context.a.re2Matches("a")'), /may not call re2Matches\(\): use matches\(\)/);
  });

  it('given matches() inside macros, parentheses, comments and several times, then each call runs on RE2 and the rest as written', () => {
    const spec = {
      rules: [{
        id: 'r',
        match: { action: 'x' },
        when: '(context.a + "-x").matches("^a+-x$") // the first\n && [context.b, context.c].exists(s, s.matches("^[0-9]{3}$") && !(s).matches("^0"))',
        effect: 'allow',
      }],
    };
    const policy = compileSpec(spec);
    assert.equal(policy.evaluate(inputOf('x', { context: { a: 'aaa', b: '12', c: '123' } })).outcome, 'allow');
    assert.equal(policy.evaluate(inputOf('x', { context: { a: 'aaa', b: '12', c: '023' } })).outcome, 'deny');
    assert.equal(policy.evaluate(inputOf('x', { context: { a: 'aab', b: '12', c: '123' } })).outcome, 'deny');
  });
});

describe('conditions over the cost budget do not load', () => {
  it('given the nested-macro attack of the review (three levels over a params list), then it is refused at load with the estimate', () => {
    const found = refusal('params.a.all(x, params.a.all(y, params.a.all(z, x == y)))');
    assert.match(found, new RegExp(`^p\\.yaml:8: /spec/rules/0/when could cost up to \\d+ units to evaluate, over the budget of ${COST_BUDGET}`));
  });

  it('given two levels of macros over params lists, then it is refused too (a million iterations)', () => {
    assert.match(refusal('params.a.exists(x, params.b.exists(y, x == y))'), /over the budget/);
  });

  it('given doubling through cel.bind, then the size it could reach is refused', () => {
    assert.match(refusal('cel.bind(a, params.l + params.l, cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, d.exists(x, x == 1)))))'), /over the budget/);
  });

  it('given a macro over a params list with a regular expression on each 16 KiB element, then it is refused', () => {
    assert.match(refusal('params.names.all(n, n.matches("^[a-z]+[0-9]*$"))'), /over the budget/);
  });

  it('given a function the estimate does not know, then it is refused', () => {
    assert.match(refusal('type(params.a) == int'), /uses type\(\), which conditions may not use|is not valid CEL/);
  });

  it('given the conditions of the documentation, then they load', () => {
    for (const when of [
      'params.rows > 1000000',
      'has(params.format) && params.format in ["csv", "parquet"]',
      'now.getHours("Europe/Paris") < 7 || now.getDayOfWeek("Europe/Paris") == 0',
      'requester.kind == "agent" && !("trusted-agents" in requester.groups)',
      'has(context.ticket) && context.ticket.matches("^CHG-[0-9]+$")',
      'params.tables.all(t, t.startsWith("tmp_"))',
      'params.tables.exists(t, t in ["customers", "payments"])',
    ]) {
      assert.ok(loadPolicySet(withCondition(when)).ok, when);
    }
  });

  it('given the attack with a literal list instead of inputs, then it is cheap and loads', () => {
    assert.ok(loadPolicySet(withCondition('[1, 2, 3].all(x, [1, 2, 3].all(y, [1, 2].exists(z, x + y > z)))')).ok);
  });
});

describe('conditions over the runtime budget fail closed', () => {
  // A clock that has moved on by more than the budget each time it is read.
  const slowClock = () => {
    let now = 0;
    return () => (now += RUNTIME_BUDGET_MS + 1);
  };
  const policy = compileSpec({
    defaults: { approval: { groups: ['security'] } },
    rules: [
      { id: 'small', match: { action: 'x' }, when: 'params.rows < 10', effect: 'allow' },
      { id: 'huge', match: { action: 'x' }, when: 'params.rows > 1000', effect: 'deny' },
    ],
  });

  it('given a clock, when a condition runs over its budget, then it is an error: the allow rule does not apply and the explanation says why', () => {
    const result = policy.evaluate(inputOf('x', { params: { rows: 1 } }), { clock: slowClock() });
    assert.equal(result.outcome, 'deny', 'the deny rule applies: its condition errored too, and errors never let a restriction off');
    assert.deepEqual(result.conditions?.map((c) => [c.rule, c.result]), [['small', 'error'], ['huge', 'error']]);
    assert.match(result.conditions?.[0].error ?? '', new RegExp(`exceeded its evaluation budget: it ran ${RUNTIME_BUDGET_MS + 1} ms, the budget is ${RUNTIME_BUDGET_MS} ms`));
    assert.match(result.explanation ?? '', /Allow rule small was not applied: params\.rows < 10 could not be evaluated \(exceeded its evaluation budget/);
  });

  it('given a clock that does not move, then conditions decide as usual', () => {
    assert.equal(policy.evaluate(inputOf('x', { params: { rows: 1 } }), { clock: () => 0 }).outcome, 'allow');
  });
});
