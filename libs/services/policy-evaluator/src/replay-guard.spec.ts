import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayGuard } from './replay-guard.ts';

describe('the replay guard', () => {
  it('admits a command once, its own record again, and refuses it in another record', () => {
    const guard = new ReplayGuard(10);
    assert.equal(guard.admit('etl/1', '0/5', 100, 0), 'new');
    assert.equal(guard.admit('etl/1', '0/5', 100, 1), 'redelivery');
    assert.equal(guard.admit('etl/1', '0/6', 100, 2), 'replay');
    assert.equal(guard.admit('ci/1', '0/7', 100, 3), 'new', 'the same id from another signer is another command');
  });

  it('forgets commands once expired, so memory follows the freshness window', () => {
    const guard = new ReplayGuard(10);
    for (let i = 0; i < 5; i += 1) guard.admit(`etl/${i}`, `0/${i}`, 100 + i, 0);
    assert.equal(guard.size, 5);
    assert.equal(guard.admit('etl/9', '0/9', 300, 103), 'new');
    assert.equal(guard.size, 3, 'the four that expired before 103 are gone');
  });

  it('is full rather than forgetting a fresh command, and sweeps out-of-order expiries when full', () => {
    const guard = new ReplayGuard(2);
    guard.admit('a', '0/1', 500, 0);
    guard.admit('b', '0/2', 50, 0);
    assert.equal(guard.admit('c', '0/3', 500, 10), 'full');
    // b expired behind a, which is still fresh: only a sweep finds it
    assert.equal(guard.admit('c', '0/3', 500, 60), 'new');
    assert.equal(guard.admit('a', '0/9', 500, 60), 'replay');
  });
});
