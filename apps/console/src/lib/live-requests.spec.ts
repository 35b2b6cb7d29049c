import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LIVE_FETCH_LIMIT, planLiveRequest } from './live-requests.ts';

const item = (id: string, createdAt: string) => ({ id, createdAt });
const listed = [item('b', '2026-12-03T10:00:00.000Z'), item('a', '2026-12-03T09:00:00.000Z')];

describe('live requests on the approver feed', () => {
  it('given the first page has not answered, when a request arrives, then it waits', () => {
    assert.equal(planLiveRequest('c', '2026-12-03T11:00:00.000Z', { listed: undefined, fetchedSinceLoad: 0 }), 'wait');
  });

  it('given a listed request or one no newer than the newest listed, when it arrives again (the replay), then it is skipped', () => {
    assert.equal(planLiveRequest('a', '2026-12-03T12:00:00.000Z', { listed, fetchedSinceLoad: 0 }), 'skip');
    assert.equal(planLiveRequest('z', '2026-12-03T09:30:00.000Z', { listed, fetchedSinceLoad: 0 }), 'skip');
    assert.equal(planLiveRequest('z', '2026-12-03T10:00:00.000Z', { listed, fetchedSinceLoad: 0 }), 'skip');
  });

  it('given a newer request, when it arrives, then it is fetched until the limit, then counted', () => {
    assert.equal(planLiveRequest('c', '2026-12-03T11:00:00.000Z', { listed, fetchedSinceLoad: 0 }), 'fetch');
    assert.equal(planLiveRequest('c', '2026-12-03T11:00:00.000Z', { listed: [], fetchedSinceLoad: LIVE_FETCH_LIMIT - 1 }), 'fetch');
    assert.equal(planLiveRequest('c', '2026-12-03T11:00:00.000Z', { listed, fetchedSinceLoad: LIVE_FETCH_LIMIT }), 'count');
  });

  it('property: a burst of any size fetches at most the limit one by one between reloads', () => {
    const burst = fc.array(fc.tuple(fc.uuid(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), { maxLength: 200 });
    fc.assert(fc.property(burst, (entries) => {
      let fetched = 0;
      for (const [id, at] of entries) {
        if (planLiveRequest(id, at, { listed: [], fetchedSinceLoad: fetched }) === 'fetch') fetched++;
      }
      assert.ok(fetched <= LIVE_FETCH_LIMIT);
    }), { numRuns: 200 });
  });
});
