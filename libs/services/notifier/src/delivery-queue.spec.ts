import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError } from './channel.port.ts';
import type { PlannedDelivery } from './delivery-plan.ts';
import { createDeliveryQueue, UNEXPECTED_FAILURE, type DeliveryOutcome } from './delivery-queue.ts';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const job = (channel = 'webhook:siem', actionId = 'act-1'): PlannedDelivery => ({ actionId, channel, purpose: 'request', op: 'send', key: `${channel}|request` });

/** A queue whose `execute` runs the given steps in turn (a step throws or returns a ref). */
function queueWith(steps: (() => Record<string, string> | undefined)[], maxAttempts = 6) {
  const outcomes: DeliveryOutcome[] = [];
  let calls = 0;
  const queue = createDeliveryQueue({
    execute: async () => steps[Math.min(calls++, steps.length - 1)](),
    report: async (o) => void outcomes.push(o),
    retry: { baseMs: 1, maxMs: 4, maxAttempts },
    now: () => NOW,
    random: () => 0.5,
  });
  return { queue, outcomes, calls: () => calls };
}
const down = () => {
  throw new DeliveryError('receiver answered 503', true);
};

describe('the delivery queue', () => {
  it('reports a delivery with its ref on the first attempt', async () => {
    const { queue, outcomes } = queueWith([() => ({ ts: '1' })]);
    queue.enqueue(job());
    await queue.idle();
    assert.deepEqual(outcomes.map((o) => [o.ok, o.attempt, o.ok && o.ref]), [[true, 1, { ts: '1' }]]);
  });

  it('retries retryable failures with backoff, recording each attempt and when the next one is due', async () => {
    // given a receiver down twice
    const { queue, outcomes } = queueWith([down, down, () => undefined]);
    // when a delivery is queued
    queue.enqueue(job());
    await queue.idle();
    // then two failures with their next attempt, then the delivery
    assert.deepEqual(outcomes.map((o) => (o.ok ? ['delivered', o.attempt] : [o.reason, o.attempt, o.nextAttemptAt])), [
      ['receiver answered 503', 1, '2026-01-01T00:00:00.001Z'],
      ['receiver answered 503', 2, '2026-01-01T00:00:00.002Z'],
      ['delivered', 3],
    ]);
  });

  it('gives up after the last attempt, with no next attempt', async () => {
    const { queue, outcomes } = queueWith([down], 3);
    queue.enqueue(job());
    await queue.idle();
    assert.deepEqual(outcomes.map((o) => [o.attempt, !o.ok && o.nextAttemptAt]), [[1, '2026-01-01T00:00:00.001Z'], [2, '2026-01-01T00:00:00.002Z'], [3, undefined]]);
  });

  it('does not retry what cannot heal', async () => {
    const { queue, outcomes, calls } = queueWith([() => {
      throw new DeliveryError('no slack channel is configured', false);
    }]);
    queue.enqueue(job('slack:#x'));
    await queue.idle();
    assert.equal(calls(), 1);
    assert.deepEqual(outcomes.map((o) => !o.ok && [o.reason, o.nextAttemptAt]), [['no slack channel is configured', undefined]]);
  });

  it('retries surprises (errors that are not DeliveryErrors) as if retryable, recording no text of theirs', async () => {
    const { queue, outcomes } = queueWith([() => {
      throw new TypeError('boom at http://10.0.0.1/');
    }, () => undefined]);
    queue.enqueue(job());
    await queue.idle();
    assert.deepEqual(outcomes.map((o) => o.ok), [false, true]);
    assert.deepEqual(outcomes.map((o) => !o.ok && [o.reason, o.detail]).slice(0, 1), [[UNEXPECTED_FAILURE, 'boom at http://10.0.0.1/']]);
  });

  it('keeps the detail of a DeliveryError apart from what is recorded', async () => {
    const { queue, outcomes } = queueWith([() => {
      throw new DeliveryError('answered 401', false, 'https://hooks.internal answered 401');
    }]);
    queue.enqueue(job());
    await queue.idle();
    assert.deepEqual(outcomes.map((o) => !o.ok && [o.reason, o.detail]), [['answered 401', 'https://hooks.internal answered 401']]);
  });

  it('queues a delivery once, however often it is asked for, also after it is done', async () => {
    const { queue, calls } = queueWith([() => undefined]);
    assert.equal(queue.enqueue(job()), true);
    assert.equal(queue.enqueue(job()), false);
    await queue.idle();
    assert.equal(queue.enqueue(job()), false);
    assert.equal(calls(), 1);
  });

  it('drops the retries of an action that was decided', async () => {
    // given a delivery waiting for its retry
    const outcomes: DeliveryOutcome[] = [];
    const queue = createDeliveryQueue({
      execute: down, report: async (o) => void outcomes.push(o), retry: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 6 }, now: () => NOW,
    });
    queue.enqueue(job());
    while (outcomes.length === 0) await new Promise((r) => setImmediate(r));
    assert.equal(queue.size, 1);
    // when the action is decided, then nothing is left to do
    queue.cancel('act-1', ['request']);
    assert.equal(queue.size, 0);
    await queue.idle();
    await queue.close();
  });

  it('carries on when recording an outcome fails', async () => {
    const errors: unknown[] = [];
    const queue = createDeliveryQueue({
      execute: async () => undefined, report: async () => Promise.reject(new Error('log down')), onReportError: (e) => errors.push(e),
      retry: { baseMs: 1, maxMs: 1, maxAttempts: 1 }, now: () => NOW,
    });
    queue.enqueue(job());
    await queue.idle();
    assert.equal((errors[0] as Error).message, 'log down');
  });
});
