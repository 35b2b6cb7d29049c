import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY, retryDelay } from './backoff.ts';

describe('retryDelay', () => {
  it('doubles from one second without jitter in the middle of its range', () => {
    // given the default policy and a random draw of 0.5 (no jitter either way)
    // when each attempt fails, then the waits are 1 s, 2 s, 4 s, 8 s, 16 s, then none
    const waits = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, DEFAULT_RETRY, 0.5));
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, undefined]);
  });

  it('keeps jitter within ±20 % and never waits longer than the cap', () => {
    const policy = { baseMs: 1000, maxMs: 5000, maxAttempts: 20 };
    assert.equal(retryDelay(1, policy, 0), 800);
    assert.equal(retryDelay(1, policy, 0.999999), 1200);
    assert.equal(retryDelay(10, policy, 0.999999), 5000);
    assert.equal(retryDelay(10, policy, 0), 4000);
  });

  it('gives up after the last attempt, even with one attempt allowed', () => {
    assert.equal(retryDelay(1, { baseMs: 1, maxMs: 1, maxAttempts: 1 }, 0.5), undefined);
  });
});
