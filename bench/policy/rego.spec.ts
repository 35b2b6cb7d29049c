import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { policyToRego, type RegoRule } from './rego.ts';

/** The Rego rule blocks of a module, as written: `set contains order if {` plus its body lines. */
const blocks = (rego: string) => rego.split('\n\n').filter((b) => b.includes(' contains '));

describe('policyToRego', () => {
  const rules: RegoRule[] = [
    { id: 'read', effect: 'allow', actions: ['data.read'] },
    { id: 'pii', effect: 'deny', actions: ['data.export', 'data.delete', 'data.export'], resource: 'prod/"pii"\\x/**' },
    { id: 'any-data', effect: 'require_approval', actions: ['data.*'], resource: 'prod/*' },
  ];

  it('writes one Rego rule per action, keyed by input.action when exact and by glob.match when a glob', () => {
    // Given three rules, one listing an action twice; when translated
    const rego = policyToRego(rules, { defaultOutcome: 'require_approval' });

    // Then the ids are listed in file order and every rule contributes its order to its effect's set
    assert.match(rego, /^package countersign\.bench$/m);
    assert.match(rego, /^rule_ids := \["read", "pii", "any-data"\]$/m);
    assert.deepEqual(blocks(rego), [
      'allow_matches contains 0 if {\n\tinput.action == "data.read"\n}',
      'deny_matches contains 1 if {\n\tinput.action == "data.export"\n\tglob.match("prod/\\"pii\\"\\\\x/**", ["/"], input.resource)\n}',
      'deny_matches contains 1 if {\n\tinput.action == "data.delete"\n\tglob.match("prod/\\"pii\\"\\\\x/**", ["/"], input.resource)\n}',
      'approval_matches contains 2 if {\n\tglob.match("data.*", ["/"], input.action)\n\tglob.match("prod/*", ["/"], input.resource)\n}',
    ]);
  });

  it('escapes quotes and backslashes so the Rego string is the pattern as written', () => {
    // Given a resource glob with a quote and a backslash; when translated
    const rego = policyToRego([rules[1]], { defaultOutcome: 'deny' });

    // Then reading the literal back as JSON (Rego's string syntax) gives the original pattern
    const literal = /glob\.match\(("(?:[^"\\]|\\.)*"), \["\/"\], input\.resource\)/.exec(rego)?.[1];
    assert.ok(literal, rego);
    assert.equal(JSON.parse(literal), 'prod/"pii"\\x/**');
  });

  it('decides deny over require_approval over allow, first rule by order, else the default', () => {
    // Given rules of every effect; when translated with a default approval
    const rego = policyToRego(rules, { defaultOutcome: 'require_approval' });

    // Then the decision is one else-chain in precedence order ending in the default
    const decision = rego.slice(rego.indexOf('decision := ')).trim().split('\n');
    assert.deepEqual(decision, [
      'decision := {"outcome": "deny", "rule": rule_ids[min(deny_matches)]} if count(deny_matches) > 0',
      'else := {"outcome": "require_approval", "rule": rule_ids[min(approval_matches)]} if count(approval_matches) > 0',
      'else := {"outcome": "allow", "rule": rule_ids[min(allow_matches)]} if count(allow_matches) > 0',
      'else := {"outcome": "require_approval", "rule": "default"}',
    ]);
  });

  it('denies unmatched inputs when there is no default, and defines the sets of effects without rules', () => {
    // Given only an allow rule and no default; when translated
    const rego = policyToRego([rules[0]], { defaultOutcome: 'deny' });

    // Then the other effects' sets are empty rather than unknown names, and the default denies
    assert.match(rego, /^deny_matches := set\(\)$/m);
    assert.match(rego, /^approval_matches := set\(\)$/m);
    assert.doesNotMatch(rego, /^allow_matches := set\(\)$/m);
    assert.match(rego, /^else := \{"outcome": "deny", "rule": "default"\}$/m);
  });

  it('refuses a rule whose other match fields it cannot translate, and ignores empty ones', () => {
    // Given rules carrying a condition, or an empty condition list and an approval block
    const conditional = { ...rules[0], when: ['params.rows > 100'] };
    const plain = { ...rules[0], when: [], approval: { groups: ['security'] } };

    // When translated, then the first is refused by name and the second is translated
    assert.throws(() => policyToRego([conditional], { defaultOutcome: 'deny' }), /rule read: when cannot be translated/);
    assert.equal(blocks(policyToRego([plain], { defaultOutcome: 'deny' })).length, 1);
  });
});
