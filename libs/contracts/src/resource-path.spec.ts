import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkResource } from './resource-path.ts';

describe('resource paths', () => {
  it('given a canonical path, with or without a scheme, accepts it unchanged', () => {
    for (const r of ['prod/orders', 'prod', 's3://bucket/key.csv', 'arn:aws:s3:::bucket', 'prod/ordres 2026', 'prod/order%20s']) {
      assert.deepEqual(checkResource(r), { ok: true, resource: r });
    }
  });

  it('given the spellings that escaped a prod/** rule, refuses each and names the canonical form', () => {
    for (const r of ['prod/./orders', './prod/orders', '/prod/orders', 'staging/../prod/orders', 'prod//orders', 'prod/orders/']) {
      assert.deepEqual(checkResource(r), { ok: false, problem: 'is not in canonical form: send "prod/orders"', canonical: 'prod/orders' }, r);
    }
  });

  it('given encoded separators, backslashes, invisible characters or a climb above the root, refuses them', () => {
    assert.match(checkResource('prod%2Forders').ok === false ? (checkResource('prod%2Forders') as { problem: string }).problem : '', /percent-encoded/);
    assert.match((checkResource('prod%2e%2e/x') as { problem: string }).problem, /percent-encoded/);
    assert.match((checkResource('prod\\orders') as { problem: string }).problem, /backslash/);
    assert.match((checkResource('prod/\u200borders') as { problem: string }).problem, /invisible/);
    assert.match((checkResource('prod/\u202eorders') as { problem: string }).problem, /invisible/);
    assert.match((checkResource('../prod') as { problem: string }).problem, /climbs above/);
    assert.match((checkResource('/') as { problem: string }).problem, /no segment/);
    assert.match((checkResource('prod/\ud800') as { problem: string }).problem, /well-formed/);
  });

  it('given text that is not NFC, refuses it with its NFC spelling', () => {
    assert.deepEqual(checkResource('prod/cafe\u0301'), { ok: false, problem: 'is not in canonical form: send "prod/café"', canonical: 'prod/café' });
  });

  it('property: a canonical form is itself canonical, and the only spelling accepted', () => {
    const segment = fc.constantFrom('prod', 'orders', '.', '..', '', 'a b', 'x.y', 'café');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, scheme) => {
        const input = `${scheme ? 's3://' : ''}${segments.join('/')}`;
        const check = checkResource(input);
        if (check.ok) {
          assert.equal(check.resource, input);
          assert.ok(!input.replace(/^s3:\/\//, '').split('/').some((s) => s === '' || s === '.' || s === '..'));
        } else if (check.canonical !== undefined) {
          assert.deepEqual(checkResource(check.canonical), { ok: true, resource: check.canonical });
        }
      }),
      { numRuns: 500 },
    );
  });
});
