import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicyError, loadPolicySet } from './index.ts';

// Rules written after this header start on line 6.
const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: test }\nspec:\n  rules:\n';
const FILE = 'config/policies/x.yaml';

function messages(body: string): string[] {
  const loaded = loadPolicySet([{ path: FILE, text: HEADER + body }]);
  assert.equal(loaded.ok, false, 'the policy should have been rejected');
  return loaded.ok ? [] : loaded.errors.map(formatPolicyError);
}

describe('invalid conditions, requesters, channels and publication rules', () => {
  const cases: { name: string; body: string; expected: RegExp[] }[] = [
    {
      name: 'a CEL syntax error, located at the expression',
      body: '    - id: a\n      match: { action: x }\n      when: "params.rows >"\n      effect: allow\n',
      expected: [/^config\/policies\/x\.yaml:8: \/spec\/rules\/0\/when is not valid CEL: .+$/],
    },
    {
      name: 'an unknown variable in the second of several conditions',
      body: '    - id: a\n      match: { action: x }\n      when:\n        - "params.rows > 1"\n        - "user.admin"\n      effect: deny\n',
      expected: [/^config\/policies\/x\.yaml:10: \/spec\/rules\/0\/when\/1 is not valid CEL: .*user.*$/],
    },
    {
      name: 'a condition that is not boolean',
      body: '    - id: a\n      match: { action: x }\n      when: "resource + \'x\'"\n      effect: deny\n',
      expected: [/^config\/policies\/x\.yaml:8: \/spec\/rules\/0\/when must be a boolean CEL expression, but it is of type string$/],
    },
    {
      name: 'allow for policy publication',
      body: '    - id: a\n      match: { action: countersign.policy.publish }\n      effect: allow\n',
      expected: [/^config\/policies\/x\.yaml:8: \/spec\/rules\/0\/effect may not be allow for countersign\.policy\.publish: publishing a policy always goes through approval$/],
    },
    {
      name: 'allow for a glob that covers policy publication',
      body: '    - id: a\n      match: { action: [data.read, "countersign.*.publish"] }\n      effect: allow\n',
      expected: [/:8: \/spec\/rules\/0\/effect may not be allow for countersign\.policy\.publish/],
    },
    {
      name: 'a channel of an unknown kind',
      body: '    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval: { groups: [g], channels: ["email:ops"] }\n',
      expected: [/:9: \/spec\/rules\/0\/approval\/channels\/0 must be slack:<channel>, teams:<conversation> or webhook:<name> \(got "email:ops"\)$/],
    },
    {
      name: 'break-glass without a review',
      body: '    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval: { groups: [g], breakGlass: { groups: [oncall] } }\n',
      expected: [/:9: \/spec\/rules\/0\/approval\/breakGlass\/review is required$/],
    },
    {
      name: 'an escalation without a delay',
      body: '    - id: a\n      match: { action: x }\n      effect: require_approval\n      approval: { groups: [g], escalation: { groups: [leads] } }\n',
      expected: [/:9: \/spec\/rules\/0\/approval\/escalation\/after is required$/],
    },
    {
      name: 'a requester kind that does not exist',
      body: '    - id: a\n      match: { action: x, requester: { kind: robot } }\n      effect: deny\n',
      expected: [/:7: \/spec\/rules\/0\/match\/requester\/kind must be one of agent, human$/],
    },
    {
      name: 'an empty requester match',
      body: '    - id: a\n      match: { action: x, requester: {} }\n      effect: deny\n',
      expected: [/:7: \/spec\/rules\/0\/match\/requester .*(fewer than 1|at least 1|must NOT have fewer).*$/],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const found = messages(c.body);
      assert.equal(found.length, c.expected.length, found.join('\n'));
      c.expected.forEach((re, i) => assert.match(found[i], re));
    });
  }

  it('a valid set with every feature loads', () => {
    const body =
      '    - id: a\n      match: { action: "data.*", resource: "prod/**", requester: { groups: [bots], kind: agent }, environment: prod, labels: { team: [a, b] } }\n' +
      '      when: ["params.rows > 10", "now.getHours() < 20"]\n      requireJustification: true\n      effect: require_approval\n' +
      '      approval: { groups: [g], owners: true, channels: ["slack:#x"], escalation: { after: 30m, groups: [h] }, breakGlass: { groups: [o], review: { groups: [s] } } }\n' +
      '    - id: b\n      match: { action: countersign.policy.publish }\n      effect: require_approval\n      approval: { groups: [security], quorum: 2 }\n';
    const loaded = loadPolicySet([{ path: FILE, text: HEADER + body }]);
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors.map(formatPolicyError)));
  });
});
