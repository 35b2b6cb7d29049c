import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadiness } from '@countersign/runtime';
import { ConsumerHealth } from './consumer-health.ts';

const bounds = { stuckAfterMs: 30_000, maxLag: 100 };
function health(readyWhenCaughtUp: boolean) {
  let now = 0;
  const readiness = createReadiness();
  const h = new ConsumerHealth('g', readiness, bounds, readyWhenCaughtUp, () => now);
  return { h, readiness, advance: (ms: number) => void (now += ms) };
}

describe('consumer health', () => {
  it('given a group that rebuilds, it is ready only once assigned and the backlog at start is handled', () => {
    const { h, readiness } = health(true);
    h.startedWith(3);
    h.assigned();
    assert.deepEqual(readiness.notReady(), ['consumer g']);
    h.handled(2);
    assert.deepEqual(readiness.notReady(), ['consumer g']);
    h.handled(1);
    assert.deepEqual(readiness.notReady(), []);
  });

  it('given a lag of zero, it is caught up even when the count at start overstated the records (Kafka transaction markers)', () => {
    const { h, readiness } = health(true);
    h.startedWith(30);
    h.assigned();
    h.handled(24);
    h.observeLag(0);
    assert.deepEqual(readiness.notReady(), []);
  });

  it('given a handler failing for longer than the bound, it is reported stuck with the error, and healthy again after a success', () => {
    const { h, readiness, advance } = health(false);
    h.startedWith(0);
    h.assigned();
    h.failed(new Error('the store is away'), 'partition 0 offsets 4..4');
    advance(29_999);
    h.observeLag(1);
    assert.deepEqual(readiness.problems(), {});
    advance(1);
    h.observeLag(1);
    assert.deepEqual(readiness.problems(), { 'consumer g': 'stuck for 30 s: partition 0 offsets 4..4: the store is away' });
    h.handled(1);
    assert.deepEqual(readiness.problems(), {});
  });

  it('given records waiting and none handled for longer than the bound, it is stuck; past the lag bound, lagging; while recovering, it says why', () => {
    const { h, readiness, advance } = health(false);
    h.startedWith(0);
    h.assigned();
    advance(31_000);
    h.observeLag(5);
    assert.match(readiness.problems()['consumer g'], /^stuck: 5 record\(s\) waiting and none handled for 31 s$/);
    h.handled(5);
    h.observeLag(101);
    assert.equal(readiness.problems()['consumer g'], 'lagging: 101 records behind (bound 100)');
    h.status({ state: 'recovering', detail: 'consumer crashed and is being rebuilt: Failed to find group coordinator' });
    assert.equal(readiness.problems()['consumer g'], 'recovering: consumer crashed and is being rebuilt: Failed to find group coordinator');
    h.status({ state: 'running' });
    h.observeLag(0);
    assert.deepEqual(readiness.problems(), {});
  });
});
