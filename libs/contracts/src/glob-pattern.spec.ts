import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { globProblem, MAX_COMPETING_WILDCARDS, resourceGlobProblem } from './glob-pattern.ts';
import { checkResource } from './resource-path.ts';

describe('globs in policy and principals files', () => {
  it('given the documented globs, accepts them', () => {
    for (const g of ['data.export', 'data.*', 'data.delete*', '{iam,db}.*', 'deploy-bot-*', 'prod-*', '*password*']) assert.equal(globProblem(g), undefined, g);
    for (const g of ['prod/**', 'prod/*', '**/customers', 'prod/{customers,orders}', 'iam/role/*admin*', 'prod/pii/**', 's3://bucket/**', '**', 'prod/*/orders/*']) {
      assert.equal(resourceGlobProblem(g), undefined, g);
    }
  });

  it('given a negated glob or an extglob anywhere, refuses it and says what to write instead', () => {
    for (const g of ['!data.read', '!(data.read)', '!!data.read']) assert.match(globProblem(g) ?? '', /is negated.*when:/, g);
    for (const g of ['data.+(read|list)', 'data.@(read)', 'prod/*(a|b)/x', 'x?(y)']) assert.match(globProblem(g) ?? '', /extglob/, g);
    assert.equal(globProblem('[!a]x'), undefined, 'a negated character class is a class, not a negation');
  });

  it('given wildcards that compete for the same characters, refuses more than allowed', () => {
    assert.match(globProblem('*a*a*b') ?? '', /has 3 wildcards/);
    assert.match(globProblem('**/a/**/a/**/b') ?? '', /has 3 wildcards/);
    assert.match(globProblem('{*a,*b}*c') ?? '', /has 3 wildcards/);
    assert.equal(globProblem('*/*/*/*'), undefined, 'stars in separate segments never compete');
    assert.equal(globProblem('**/*.csv'), undefined);
    assert.match(globProblem('*prod*', 1) ?? '', /at most 1 is allowed/);
  });

  it('given resource globs that are not canonical, refuses them with the canonical spelling', () => {
    const cases: Record<string, string> = { '/prod/**': 'prod/**', 'prod//**': 'prod/**', 'prod/../x/**': 'x/**', './prod/*': 'prod/*', 'prod/**/': 'prod/**' };
    for (const [glob, canonical] of Object.entries(cases)) assert.match(resourceGlobProblem(glob) ?? '', new RegExp(`write "${canonical.replace(/\*/g, '\\*')}"`), glob);
    assert.match(resourceGlobProblem('prod\\orders') ?? '', /backslash/);
    assert.match(resourceGlobProblem('prod%2F**') ?? '', /could never match.*percent-encoded/);
    assert.match(resourceGlobProblem('../prod/**') ?? '', /could never match.*climbs/);
    assert.match(resourceGlobProblem('prod/cafe\u0301/**') ?? '', /write "prod\/café\/\*\*"/);
  });

  it('property: an accepted glob is canonical, a refused one names an accepted spelling or matches no canonical path', () => {
    const segment = fc.constantFrom('prod', 'orders', '*', '**', '.', '..', '', 'a?c', '{x,y}');
    const path = fc.array(fc.constantFrom('prod', 'orders', 'abc', 'x', 'y'), { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.array(path, { maxLength: 10 }), (segments, paths) => {
        const glob = segments.join('/');
        const problem = resourceGlobProblem(glob);
        if (problem === undefined) assert.ok(checkResource(glob).ok, glob);
        const suggested = /write "(.*)"$/.exec(problem ?? '')?.[1];
        if (suggested !== undefined) assert.equal(resourceGlobProblem(suggested), undefined, `${glob} → ${suggested}`);
        if (glob !== '' && /could never match/.test(problem ?? '')) {
          for (const p of paths) assert.equal(picomatch.isMatch(p, glob, { dot: true }), false, `${glob} matched ${p}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: whatever the text, the check answers without throwing, and never allows more than the limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom('*', '/', 'a', '{', '}', ',', '[', ']', '\\', '!', '(', ')', '+', '?') }), (glob) => {
        const problem = globProblem(glob);
        if (problem === undefined) assert.ok(!glob.startsWith('!') || glob.startsWith('!('));
        assert.ok(problem === undefined || typeof problem === 'string');
      }),
      { numRuns: 500 },
    );
    assert.equal(MAX_COMPETING_WILDCARDS, 2);
  });
});
