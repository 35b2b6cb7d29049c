import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import { ProposalQuotas } from './quotas.ts';

/** A store whose undecided count the test sets, counting the reads, optionally held until released. */
function countingStore() {
  const s = { undecided: 0, reads: 0 };
  const store = { collection: () => ({ count: async () => (s.reads += 1, s.undecided) }) } as unknown as ReadModelStore;
  return { s, store };
}

const limits = { pendingPerRequester: 5, proposalBytesPerWindow: 1e6, proposalWindowSeconds: 60 } as GatewayLimits;

describe('pending quota', () => {
  it('given a recent count far from the limit, then proposals do not wait on the read model, and each counts', async () => {
    let now = 0;
    const { s, store } = countingStore();
    const quotas = new ProposalQuotas(limits, { now: () => new Date(now) }, store);
    await quotas.checkPending('agent');
    await quotas.checkPending('agent');
    await quotas.checkPending('agent');
    assert.equal(s.reads, 1, 'one read, then the remembered count');
    now = 300;
    await quotas.checkPending('agent');
    assert.equal(s.reads, 2, 'an older count is re-read in the background');
  });

  it('given the requester near the limit, then the count is read exactly, and the limit holds', async () => {
    const { s, store } = countingStore();
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, store);
    s.undecided = 3;
    await quotas.checkPending('agent');
    await quotas.checkPending('agent');
    assert.equal(s.reads, 2, 'one below the limit: read each time');
    s.undecided = 5;
    await assert.rejects(quotas.checkPending('agent'), (e: { status: number }) => e.status === 429);
    s.undecided = 4; // one was decided
    await quotas.checkPending('agent');
  });

  it('given a count older than a second, then it is read again before answering', async () => {
    let now = 0;
    const { s, store } = countingStore();
    const quotas = new ProposalQuotas(limits, { now: () => new Date(now) }, store);
    await quotas.checkPending('agent');
    s.undecided = 5;
    now = 1500;
    await assert.rejects(quotas.checkPending('agent'), (e: { status: number }) => e.status === 429);
  });
});
