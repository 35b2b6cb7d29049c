import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ActionView } from '@countersign/audit';
import { Problem } from '../problem.ts';
import { approveBody, checker } from '../request-schemas.ts';
import { standingTerms, type StandingBody } from './standing-terms.ts';

const parseApprove = checker<{ standing?: StandingBody }>(approveBody, 'body');
const view = (standing?: { maxTtlSeconds: number; maxUses: number }, action = 'data.export') =>
  ({ _id: 'act-1', action, status: 'pending', policy: { rule: 'exports' }, approval: { standing } }) as unknown as ActionView;
const ALLOWS = { maxTtlSeconds: 3600, maxUses: 10 };
const TERMS: StandingBody = { resource: 'prod/**', when: 'params.rows <= 10000', maxUses: 5, ttl: '30m' };

/** The status and the pointers a problem names, or the terms when accepted. */
function outcome(body: StandingBody, on = view(ALLOWS)) {
  try {
    return standingTerms(body, on);
  } catch (error) {
    assert.ok(error instanceof Problem, String(error));
    return { status: error.status, code: error.code, pointers: (error.errors ?? []).map((e) => e.pointer) };
  }
}

describe('the standing approval offered with an approval', () => {
  it('given terms within the rule, then they are the vote\'s, the ttl in seconds', () => {
    assert.deepEqual(outcome(TERMS), { resource: 'prod/**', when: 'params.rows <= 10000', maxUses: 5, ttlSeconds: 1800 });
    const { when: _w, ...noCondition } = TERMS;
    assert.deepEqual(outcome(noCondition), { resource: 'prod/**', maxUses: 5, ttlSeconds: 1800 });
  });

  it('given a glob that is not canonical or CEL that does not compile, then 400 names the field', () => {
    assert.deepEqual(outcome({ ...TERMS, resource: '/prod/**' }), { status: 400, code: 'invalid-request', pointers: ['/standing/resource'] });
    assert.deepEqual(outcome({ ...TERMS, when: 'params.rows <=' }), { status: 400, code: 'invalid-request', pointers: ['/standing/when'] });
    assert.deepEqual(outcome({ ...TERMS, when: 'context.ticket == "x"' }), { status: 400, code: 'invalid-request', pointers: ['/standing/when'] });
  });

  it('given terms beyond the rule, or a rule that allows none, then 422 names the field', () => {
    assert.deepEqual(outcome({ ...TERMS, maxUses: 11, ttl: '2h' }), { status: 422, code: 'standing-not-allowed', pointers: ['/standing/maxUses', '/standing/ttl'] });
    assert.deepEqual(outcome(TERMS, view(undefined)), { status: 422, code: 'standing-not-allowed', pointers: ['/standing'] });
    assert.deepEqual(outcome(TERMS, view(ALLOWS, 'countersign.policy.publish')), { status: 422, code: 'standing-not-allowed', pointers: ['/standing'] });
  });

  it('given a body of the wrong shape, then 400 names the field', () => {
    const pointers = (standing: unknown) => {
      try {
        parseApprove({ standing });
        return [];
      } catch (error) {
        assert.ok(error instanceof Problem && error.status === 400);
        return (error.errors ?? []).map((e) => e.pointer);
      }
    };
    assert.deepEqual(pointers({ ...TERMS, ttl: '30 minutes' }), ['/standing/ttl']);
    assert.deepEqual(pointers({ ...TERMS, maxUses: 0 }), ['/standing/maxUses']);
    assert.deepEqual(pointers({ resource: 'prod/**', ttl: '1h' }), ['/standing/maxUses']);
    assert.deepEqual(pointers({ ...TERMS, extra: 1 }), ['/standing/extra']);
  });

  it('property: any body the schema lets through is accepted within the rule, or refused with a problem naming a field under /standing', () => {
    const body = fc.record({
      resource: fc.oneof(fc.constantFrom('prod/**', 'prod/*', '/prod', 'prod//x', 'a/**/b/**/c/**', '**'), fc.string({ minLength: 1, maxLength: 40 })),
      when: fc.option(fc.oneof(fc.constantFrom('params.rows <= 10', 'params.a.all(x, params.a.all(y, x == y))', 'true', '"x"'), fc.string({ minLength: 1, maxLength: 40 })), { nil: undefined }),
      maxUses: fc.integer({ min: 1, max: 10_000 }),
      ttl: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('s', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`),
    });
    fc.assert(fc.property(body, (raw) => {
      const { when, ...rest } = raw;
      const standing: StandingBody = when === undefined ? rest : { ...rest, when };
      let shaped = true;
      try {
        parseApprove({ standing });
      } catch {
        shaped = false;
      }
      if (!shaped) return;
      const result = outcome(standing);
      if ('status' in result) {
        assert.ok([400, 422].includes(result.status));
        assert.ok(result.pointers.length > 0 && result.pointers.every((p) => p?.startsWith('/standing')));
      } else {
        assert.ok(result.maxUses <= ALLOWS.maxUses && result.ttlSeconds <= ALLOWS.maxTtlSeconds);
      }
    }), { numRuns: 300 });
  });
});
