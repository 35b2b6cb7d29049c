import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicySet, formatPolicyError, loadPolicySet, type PolicySetDocument } from './index.ts';
import { compileSpec, inputOf } from './testing/policy-test-kit.ts';

// Patterns mean what they say: no negation (it passed validation, then matched literally), only
// canonical resource globs (any other spelling could never match a canonical resource), and few
// enough competing wildcards that matching stays fast.
const HEADER = 'apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: t }\nspec:\n';
const FILE = 'p.yaml';
function errorsOf(spec: string): string[] {
  const loaded = loadPolicySet([{ path: FILE, text: HEADER + spec }]);
  assert.equal(loaded.ok, false, 'the policy should have been refused');
  return loaded.ok ? [] : loaded.errors.map(formatPolicyError);
}
const matchRule = (match: string) => `  rules:\n    - id: r\n      match: ${match}\n      effect: deny\n`;

describe('negated patterns are refused at load, wherever patterns are accepted', () => {
  const negation = /is negated \("!…"\), which is not supported/;
  const cases: Record<string, { match: string; pointer: string }> = {
    'an action': { match: '{ action: "!data.read" }', pointer: '/spec/rules/0/match/action' },
    'an action in a list': { match: '{ action: [data.write, "!data.read"] }', pointer: '/spec/rules/0/match/action/1' },
    'a negated extglob action': { match: '{ action: "!(data.read)" }', pointer: '/spec/rules/0/match/action' },
    'a resource': { match: '{ action: x, resource: "!prod/**" }', pointer: '/spec/rules/0/match/resource' },
    'a requester principal': { match: '{ action: x, requester: { principals: ["!bot-*"] } }', pointer: '/spec/rules/0/match/requester/principals/0' },
    'an environment': { match: '{ action: x, environment: "!prod" }', pointer: '/spec/rules/0/match/environment' },
    'a label value': { match: '{ action: x, labels: { "tier/x": ["1", "!2"] } }', pointer: '/spec/rules/0/match/labels/tier~1x/1' },
  };
  for (const [name, { match, pointer }] of Object.entries(cases)) {
    it(`given ${name} that starts with "!", then the file names the field`, () => {
      const [error] = errorsOf(matchRule(match));
      assert.ok(error.startsWith(`${FILE}:7: ${pointer} `), error);
      assert.match(error, negation);
    });
  }

  it('given a negated redactParams glob, then it is refused as well', () => {
    assert.match(errorsOf('  redactParams: ["!token"]\n')[0], /^p\.yaml:5: \/spec\/redactParams\/0 is negated/);
  });

  it('given extglobs, then they are refused: only *, **, ?, [...] and {a,b}', () => {
    assert.match(errorsOf(matchRule('{ action: "data.+(read|list)" }'))[0], /\/match\/action uses an extglob/);
  });
});

describe('resource globs must be canonical', () => {
  const cases: Record<string, RegExp> = {
    '/prod/**': /write "prod\/\*\*"/,
    'prod//**': /write "prod\/\*\*"/,
    'prod/../x/**': /write "x\/\*\*"/,
    'prod/./orders': /write "prod\/orders"/,
    'prod\\\\orders': /backslash/,
    'prod%2Forders': /could never match a resource: it contains a percent-encoded/,
  };
  for (const [glob, says] of Object.entries(cases)) {
    it(`given the resource glob ${glob}, then it is refused with where and why`, () => {
      const [error] = errorsOf(matchRule(`{ action: x, resource: "${glob}" }`));
      assert.ok(error.startsWith(`${FILE}:7: /spec/rules/0/match/resource `), error);
      assert.match(error, says);
    });
  }
});

describe('globs with competing wildcards are refused', () => {
  it('given three wildcards in one resource segment, then it is refused', () => {
    assert.match(errorsOf(matchRule('{ action: x, resource: "logs/*a*a*b" }'))[0], /\/match\/resource has 3 wildcards/);
  });

  it('given two wildcards in an environment (matched against up to 16 KiB of context), then it is refused', () => {
    assert.match(errorsOf(matchRule('{ action: x, environment: "*prod*" }'))[0], /\/match\/environment has 2 wildcards .* at most 1 is allowed here/);
  });
});

describe('a negated pattern in a set built without the loader', () => {
  it('is matched as the glob it is, never as a literal action name', () => {
    const document: PolicySetDocument = {
      apiVersion: 'countersign.dev/v1',
      kind: 'PolicySet',
      metadata: { name: 'raw' },
      spec: { rules: [{ id: 'all-but-reads', match: { action: '!data.read' }, effect: 'deny' }, { id: 'reads', match: { action: 'data.*' }, effect: 'allow' }] },
    };
    const policy = compilePolicySet([{ path: 'raw.yaml', document, lineOf: () => undefined }]);
    assert.equal(policy.evaluate(inputOf('data.write')).rule, 'all-but-reads');
    assert.equal(policy.evaluate(inputOf('data.read')).rule, 'reads');
  });
});

describe('resources that are not canonical fail closed', () => {
  const policy = compileSpec({
    defaults: { approval: { groups: ['security'] } },
    rules: [
      { id: 'reads', match: { action: 'data.read' }, effect: 'allow' },
      { id: 'prod-reads', match: { action: 'data.read', resource: 'prod/**' }, effect: 'allow' },
      { id: 'secrets', match: { action: 'data.*', resource: 'prod/secrets/**' }, effect: 'deny' },
      { id: 'exports', match: { action: 'data.export', resource: 'prod/**' }, effect: 'require_approval', approval: { groups: ['stewards'] } },
      { id: 'cheap', match: { action: 'data.export' }, when: 'resource.startsWith("dev/")', effect: 'allow' },
    ],
  });
  const evaluate = (action: string, resource: string) => policy.evaluate(inputOf(action, { resource }));

  it('given a canonical resource, then the allow rules apply', () => {
    assert.equal(evaluate('data.read', 'prod/orders').outcome, 'allow');
  });

  it('given another spelling of it, then no allow rule applies and the explanation says why', () => {
    const result = evaluate('data.read', 'prod/./orders');
    assert.deepEqual([result.outcome, result.rule], ['require_approval', 'default']);
    assert.match(result.explanation ?? '', /The resource "prod\/\.\/orders" is not in canonical form, so no allow rule applies \(fail closed\); the other rules were matched against its canonical form "prod\/orders"\./);
  });

  it('given a spelling that escaped a deny rule, then the deny rule matches its canonical form', () => {
    for (const r of ['prod/./secrets/k', './prod/secrets/k', '/prod/secrets/k', 'staging/../prod/secrets/k', 'prod//secrets/k']) {
      assert.deepEqual([evaluate('data.read', r).outcome, evaluate('data.read', r).rule], ['deny', 'secrets'], r);
    }
  });

  it('given a spelling without a canonical form (an encoded separator), then no allow rule applies and the reason is said', () => {
    const result = evaluate('data.read', 'prod%2Fsecrets');
    assert.equal(result.outcome, 'require_approval');
    assert.match(result.explanation ?? '', /The resource "prod%2Fsecrets" contains a percent-encoded .* so no allow rule applies \(fail closed\)\./);
  });

  it('given conditions, then they see the canonical resource', () => {
    assert.equal(evaluate('data.export', 'dev/x').outcome, 'allow');
    assert.equal(evaluate('data.export', 'dev/./x').outcome, 'require_approval', 'the condition holds, but the rule is an allow');
  });

  it('property: two other spellings of one path never get different outcomes, and neither is ever more permissive than the canonical one', () => {
    const rank = { allow: 0, require_approval: 1, deny: 2 } as const;
    const segment = fc.constantFrom('prod', 'secrets', 'orders', 'dev', 'x');
    const respell = (segments: string[], how: number[]): string => {
      let out = segments.join('/');
      for (const h of how) {
        if (h === 0) out = `./${out}`;
        else if (h === 1) out = `/${out}`;
        else if (h === 2) out = `${out}/`;
        else if (h === 3) out = out.replace('/', '//');
        else if (h === 4) out = out.replace('/', '/./');
        else out = `tmp/../${out}`;
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('data.read', 'data.export', 'data.delete'),
        (segments, one, other, action) => {
          const path = segments.join('/');
          fc.pre(respell(segments, one) !== path && respell(segments, other) !== path);
          const canonical = evaluate(action, path);
          const a = evaluate(action, respell(segments, one));
          const b = evaluate(action, respell(segments, other));
          assert.deepEqual([a.outcome, a.rule], [b.outcome, b.rule]);
          assert.ok(rank[a.outcome] >= rank[canonical.outcome], `${respell(segments, one)}: ${a.outcome} vs ${canonical.outcome}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
