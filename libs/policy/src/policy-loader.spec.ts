import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicyError, loadPolicySet, parseDuration, type PolicyFile } from './index.ts';

// Rules written after this header start on line 6.
const HEADER = `apiVersion: countersign.dev/v1
kind: PolicySet
metadata: { name: test }
spec:
  rules:
`;
const FILE = 'config/policies/x.yaml';

function messages(files: PolicyFile[]): string[] {
  const loaded = loadPolicySet(files);
  assert.equal(loaded.ok, false, 'the policy should have been rejected');
  return loaded.ok ? [] : loaded.errors.map(formatPolicyError);
}

const rule = (body: string) => [{ path: FILE, text: HEADER + body }];

describe('invalid policy files', () => {
  const cases: { name: string; files: PolicyFile[]; expected: string[] }[] = [
    {
      name: 'an unknown effect',
      files: rule('    - id: a\n      match: { action: x }\n      effect: permit\n'),
      expected: [`${FILE}:8: /spec/rules/0/effect must be one of allow, deny, require_approval`],
    },
    {
      name: 'a missing effect points at the rule',
      files: rule('    - id: a\n      match: { action: x }\n'),
      expected: [`${FILE}:6: /spec/rules/0/effect is required`],
    },
    {
      name: 'the reserved rule id',
      files: rule('    - id: default\n      match: { action: x }\n      effect: allow\n'),
      expected: [`${FILE}:6: /spec/rules/0/id is reserved: "default" names the outcome when no rule matches`],
    },
    {
      name: 'an unknown property',
      files: rule('    - id: a\n      match: { action: x }\n      effect: allow\n      unless: true\n'),
      expected: [`${FILE}:9: /spec/rules/0/unless is not an allowed property`],
    },
    {
      name: 'an unknown property inside match',
      files: rule('    - id: a\n      match:\n        action: x\n        resources: y\n      effect: allow\n'),
      expected: [`${FILE}:9: /spec/rules/0/match/resources is not an allowed property`],
    },
    {
      name: 'a rule id that is not a name',
      files: rule('    - id: Prod Export\n      match: { action: x }\n      effect: allow\n'),
      expected: [`${FILE}:6: /spec/rules/0/id must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got "Prod Export")`],
    },
    {
      name: 'an empty action list',
      files: rule('    - id: a\n      match: { action: [] }\n      effect: allow\n'),
      expected: [`${FILE}:7: /spec/rules/0/match/action must not be empty`],
    },
    {
      name: 'an action that is neither a string nor a list',
      files: rule('    - id: a\n      match: { action: 3 }\n      effect: allow\n'),
      expected: [`${FILE}:7: /spec/rules/0/match/action must be a string or a list`],
    },
    {
      name: 'a bad duration',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval:\n        groups: [g]\n        timeout: 1 hour\n'),
      expected: [`${FILE}:11: /spec/rules/0/approval/timeout must be a duration such as 30s, 15m, 1h or 2d (got "1 hour")`],
    },
    {
      name: 'a zero quorum',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval:\n        groups: [g]\n        quorum: 0\n'),
      expected: [`${FILE}:11: /spec/rules/0/approval/quorum must be at least 1`],
    },
    {
      name: 'require_approval without approval',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n'),
      expected: [`${FILE}:6: /spec/rules/0/approval is required when effect is require_approval`],
    },
    {
      name: 'approval with another effect',
      files: rule('    - id: a\n      match: { action: x }\n      effect: allow\n      approval: { groups: [g] }\n'),
      expected: [`${FILE}:9: /spec/rules/0/approval is only allowed when effect is require_approval (effect is allow)`],
    },
    {
      name: 'an approval nobody can give',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval: { quorum: 1 }\n'),
      expected: [`${FILE}:9: /spec/rules/0/approval must name at least one group or principal, or the resource's owners`],
    },
    {
      name: 'a quorum larger than the named principals',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval:\n        principals: [p]\n        quorum: 2\n'),
      expected: [`${FILE}:11: /spec/rules/0/approval/quorum is 2 but only 1 principal(s) are named and no group`],
    },
    {
      name: 'distinct groups fewer than the quorum',
      files: rule('    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval:\n        groups: [g]\n        quorum: 2\n        distinctGroups: true\n'),
      expected: [`${FILE}:12: /spec/rules/0/approval/distinctGroups needs at least as many groups as the quorum (1 group(s), quorum 2)`],
    },
    {
      name: 'a duplicate rule id in one file',
      files: rule('    - id: a\n      match: { action: x }\n      effect: allow\n    - id: a\n      match: { action: y }\n      effect: deny\n'),
      expected: [`${FILE}:9: /spec/rules/1/id duplicates rule id "a" (first defined at ${FILE}:6)`],
    },
    {
      name: 'a duplicate rule id across files',
      files: [
        { path: 'b.yaml', text: HEADER + '    - id: a\n      match: { action: x }\n      effect: allow\n' },
        { path: 'a.yaml', text: HEADER + '    - id: z\n      match: { action: x }\n      effect: allow\n    - id: a\n      match: { action: x }\n      effect: allow\n' },
      ],
      expected: ['b.yaml:6: /spec/rules/0/id duplicates rule id "a" (first defined at a.yaml:9)'],
    },
    {
      name: 'defaults set in two files',
      files: [
        { path: 'a.yaml', text: 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: a }\nspec:\n  defaults: { approval: { groups: [g] } }\n' },
        { path: 'b.yaml', text: 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: b }\nspec:\n  defaults: { approval: { groups: [h] } }\n' },
      ],
      expected: ['b.yaml:5: /spec/defaults are already set in a.yaml:5 (only one file may set defaults)'],
    },
    {
      name: 'a bad defaults approval',
      files: [{ path: FILE, text: 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: a }\nspec:\n  defaults:\n    approval: { groups: [] }\n' }],
      expected: [`${FILE}:6: /spec/defaults/approval must name at least one group or principal, or the resource's owners`],
    },
    {
      name: 'the wrong kind and a missing metadata',
      files: [{ path: FILE, text: 'apiVersion: countersign.dev/v1\nkind: PrincipalList\nspec: {}\n' }],
      expected: [`${FILE}:1: /metadata is required`, `${FILE}:2: /kind must be PolicySet (got "PrincipalList")`],
    },
    {
      name: 'a key written twice',
      files: [{ path: FILE, text: HEADER + '    - id: a\n      id: b\n' }],
      expected: [`${FILE}:7: YAML syntax error: Map keys must be unique`],
    },
    {
      name: 'two documents in one file',
      files: [{ path: FILE, text: HEADER + '---\napiVersion: countersign.dev/v1\n' }],
      expected: [`${FILE}:6: YAML syntax error: a file holds one document, but a second one starts here (---)`],
    },
    {
      name: 'an empty file',
      files: [{ path: FILE, text: '# nothing here\n' }],
      expected: [`${FILE}:1: / must be a mapping`],
    },
    {
      name: 'every problem of every file, by file then line',
      files: [
        { path: 'b.yaml', text: HEADER + '    - id: a\n      match: { action: x }\n      effect: no\n' },
        { path: 'a.yaml', text: HEADER + '    - id: a\n      match: { action: x, extra: 1 }\n      effect: maybe\n' },
      ],
      expected: [
        'a.yaml:7: /spec/rules/0/match/extra is not an allowed property',
        'a.yaml:8: /spec/rules/0/effect must be one of allow, deny, require_approval',
        'b.yaml:8: /spec/rules/0/effect must be one of allow, deny, require_approval',
      ],
    },
  ];

  for (const c of cases) {
    it(`names file, line and field: ${c.name}`, () => {
      assert.deepEqual(messages(c.files), c.expected);
    });
  }

  it('names file and line of a YAML syntax error, in one line', () => {
    // given an unclosed flow sequence on line 7
    const files = [{ path: FILE, text: HEADER + '    - id: a\n      match: { action: [x, }\n' }];
    // then every message is located there (the wording is the YAML parser's)
    const found = messages(files);
    assert.ok(found.length > 0);
    for (const m of found) assert.match(m, /^config\/policies\/x\.yaml:7: YAML syntax error: [^\n]+$/);
  });
});

describe('policy version', () => {
  const a = { path: 'a.yaml', text: HEADER + '    - id: a\n      match: { action: x }\n      effect: allow\n' };
  const b = { path: 'b.yaml', text: HEADER + '    - id: b\n      match: { action: y }\n      effect: deny\n' };
  const version = (files: PolicyFile[]) => {
    const loaded = loadPolicySet(files);
    assert.ok(loaded.ok);
    return loaded.policy.version;
  };

  it('is a SHA-256 that ignores file order, formatting and comments', () => {
    const reformatted = { path: 'a.yaml', text: '# a comment\n' + HEADER + '    - { effect: allow, id: a, match: { action: x } }\n' };
    assert.match(version([a, b]), /^[0-9a-f]{64}$/);
    assert.equal(version([b, a]), version([a, b]));
    assert.equal(version([reformatted, b]), version([a, b]));
  });

  it('changes when a rule changes', () => {
    const changed = { path: 'b.yaml', text: b.text.replace('effect: deny', 'effect: allow') };
    assert.notEqual(version([a, changed]), version([a, b]));
  });
});

describe('durations', () => {
  const cases: [string, number | undefined][] = [
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['2d', 172800],
    ['0s', undefined],
    ['1 hour', undefined],
    ['1.5h', undefined],
    ['1w', undefined],
    ['', undefined],
  ];
  for (const [text, seconds] of cases) {
    it(`"${text}" is ${seconds ?? 'not a duration'}`, () => assert.equal(parseDuration(text), seconds));
  }
});
