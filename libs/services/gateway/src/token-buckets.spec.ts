import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenBuckets } from './token-buckets.ts';

describe('token buckets', () => {
  it('given a full bucket, then the whole allowance may be spent at once, and no more', () => {
    const buckets = new TokenBuckets(1000, 60_000);
    assert.deepEqual(buckets.take('agent', 600, 0), { ok: true });
    assert.deepEqual(buckets.take('agent', 400, 0), { ok: true });
    assert.deepEqual(buckets.take('agent', 100, 0), { ok: false, waitMs: 6000 });
  });

  it('given time passing, then the bucket refills at capacity per window, up to its capacity', () => {
    const buckets = new TokenBuckets(1000, 60_000);
    buckets.take('agent', 1000, 0);
    assert.deepEqual(buckets.take('agent', 500, 30_000), { ok: true });
    assert.deepEqual(buckets.take('agent', 1000, 10_000_000), { ok: true });
    assert.equal(buckets.take('agent', 1, 10_000_000).ok, false);
  });

  it('given two keys, then each has its own allowance', () => {
    const buckets = new TokenBuckets(100, 1000);
    buckets.take('a', 100, 0);
    assert.deepEqual(buckets.take('b', 100, 0), { ok: true });
  });

  it('property: over any sequence, what is taken never exceeds the capacity plus the refill, and a refusal says how long to wait', () => {
    const steps = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 5000 }), cost: fc.integer({ min: 1, max: 1000 }) }), { maxLength: 50 });
    fc.assert(fc.property(steps, (list) => {
      const buckets = new TokenBuckets(1000, 10_000);
      let now = 0;
      let taken = 0;
      for (const { dt, cost } of list) {
        now += dt;
        const take = buckets.take('k', cost, now);
        if (!take.ok) {
          // when the caller waits as told, then the same request passes
          now += take.waitMs;
          assert.deepEqual(buckets.take('k', cost, now), { ok: true });
        }
        taken += cost;
        assert.ok(taken <= 1000 + now / 10 + 1e-6, `${taken} taken by ${now} ms`);
      }
    }), { numRuns: 300 });
  });
});
