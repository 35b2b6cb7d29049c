import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import { RecentViews } from './answers/recent-views.ts';
import { ProposalQuotas } from './quotas.ts';

/**
 * A store whose undecided count the test sets (all of them pending), counting the reads; while
 * `held`, counts wait until `release()`.
 */
function countingStore() {
  const s = { undecided: 0, reads: 0, held: false };
  const waiting: (() => void)[] = [];
  const release = () => {
    s.held = false;
    for (const go of waiting.splice(0)) go();
  };
  const count = async (filter: { status: string }) => {
    if (filter.status !== 'pending') return 0;
    s.reads += 1;
    if (s.held) await new Promise<void>((go) => waiting.push(go));
    return s.undecided;
  };
  const store = { collection: () => ({ count }) } as unknown as ReadModelStore;
  return { s, store, release };
}

const limits = { pendingPerRequester: 5, proposalBytesPerWindow: 1e6, proposalWindowSeconds: 60 } as GatewayLimits;

describe('pending quota', () => {
  it('given a recent count far from the limit, then proposals do not wait on the read model, and each counts', async () => {
    let now = 0;
    const { s, store } = countingStore();
    const quotas = new ProposalQuotas(limits, { now: () => new Date(now) }, store, new RecentViews(10));
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
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, store, new RecentViews(10));
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
    const quotas = new ProposalQuotas(limits, { now: () => new Date(now) }, store, new RecentViews(10));
    await quotas.checkPending('agent');
    s.undecided = 5;
    now = 1500;
    await assert.rejects(quotas.checkPending('agent'), (e: { status: number }) => e.status === 429);
  });

  it('given many proposals while no count is known, then they share one read, and the limit still holds', async () => {
    const { s, store, release } = countingStore();
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, store, new RecentViews(10));
    s.undecided = 2;
    s.held = true;
    const answers = Promise.allSettled([1, 2, 3, 4, 5].map(() => quotas.checkPending('agent')));
    release();
    const settled = await answers;
    assert.equal(s.reads, 1, 'one read in flight at a time, shared by the proposals waiting on it');
    assert.deepEqual(settled.map((a) => a.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected'], '2 undecided + 3 new = the limit of 5');
  });
});

describe('pending quota, with answers the read model does not show yet', () => {
  const view = (id: string, status: ActionView['status'], lastSeq: number) => ({ _id: id, requester: 'agent', status, lastSeq }) as ActionView;

  /** A read model holding `stored` (its undecided count derived from them). */
  function storeOf(stored: ActionView[]) {
    const undecided = (v: ActionView) => v.status === 'pending' || v.status === 'proposed';
    const find = async (filter: { _id: { $in: string[] } }) => stored.filter((v) => filter._id.$in.includes(v._id));
    const count = async (filter: { status: string; _id?: { $nin: string[] } }) =>
      stored.filter((v) => undecided(v) && v.status === filter.status && !filter._id?.$nin.includes(v._id)).length;
    return { collection: () => ({ count, find }) } as unknown as ReadModelStore;
  }

  it('given actions answered pending here but not yet projected, then they count towards the limit', async () => {
    const recent = new RecentViews(10);
    for (const id of ['a', 'b', 'c', 'd', 'e']) recent.remember(view(id, 'pending', 3));
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, storeOf([view('a', 'pending', 3)]), recent);
    await assert.rejects(quotas.checkPending('agent'), (e: { status: number; extensions?: unknown }) => e.status === 429);
  });

  it('given an action cancelled here that the read model still shows pending, then it no longer counts', async () => {
    const recent = new RecentViews(10);
    const stored = ['a', 'b', 'c', 'd', 'e'].map((id) => view(id, 'pending', 3));
    recent.remember(view('a', 'cancelled', 4));
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, storeOf(stored), recent);
    await quotas.checkPending('agent');
  });

  it('given the read model further along than what was answered here, then the read model counts', async () => {
    const recent = new RecentViews(10);
    recent.remember(view('a', 'pending', 3));
    const stored = ['a', 'b', 'c', 'd'].map((id) => view(id, 'pending', 3)).concat(view('e', 'approved', 5));
    const quotas = new ProposalQuotas(limits, { now: () => new Date(0) }, storeOf(stored), recent);
    await quotas.checkPending('agent');
    stored[4] = view('e', 'pending', 5);
    await assert.rejects(quotas.checkPending('agent'), (e: { status: number }) => e.status === 429);
  });
});
