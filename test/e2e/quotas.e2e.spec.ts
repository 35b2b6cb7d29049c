import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS, type ApiResponse, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { assertProblem } from '../support/problems.ts';
import { until } from '../support/until.ts';

/** Small limits, so each is reached in a few requests. */
const LIMITS = {
  COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '3',
  COUNTERSIGN_MAX_POLICY_BODY_BYTES: '65536',
  COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: '150000',
  COUNTERSIGN_PROPOSAL_WINDOW_SECONDS: '3600',
  COUNTERSIGN_MAX_PAGE_BYTES: '4096',
};

function assertRetryAfter(res: ApiResponse, atLeast: number, atMost: number): void {
  const seconds = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(seconds) && seconds >= atLeast && seconds <= atMost, `Retry-After: ${res.headers.get('retry-after')}`);
}

/** Issue 9: one principal cannot exhaust the system; lists are bounded in items and in bytes. */
describe(`quotas per principal and bounded pages (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, carol: Client, erin: Client;

  before(async () => {
    cs = await startCountersign({ env: { ...E2E_ENV, ...LIMITS } });
    [agent, carol, erin] = [KEYS.agent, KEYS.carol, KEYS.erin].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  /** Every action id, page after page, as `GET /v1/actions` lists them. */
  async function listedIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: ApiResponse = await carol.get(`/v1/actions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...(page.body.items ?? []).map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor ?? null;
    }
    return ids;
  }

  it('refuses a requester with the maximum of undecided actions (429), until one is decided', async () => {
    const ids: string[] = [];
    for (const resource of ['prod/a', 'prod/b', 'prod/c']) {
      const res = await agent.propose({ action: 'data.export', resource });
      assert.deepEqual([res.status, res.body.status], [201, 'pending'], res.text);
      ids.push(res.body.id);
    }
    const fourth = await agent.propose({ action: 'data.read', resource: 'prod/orders' });
    assertProblem(fourth, 429);
    assert.equal(fourth.body.type, 'https://countersign.dev/problems/too-many-pending');
    assert.deepEqual([fourth.body.pending, fourth.body.limit], [3, 3]);
    assertRetryAfter(fourth, 1, 3600);
    // someone else is not held back by the agent's backlog
    assert.equal((await erin.propose({ action: 'data.read', resource: 'prod/orders' })).status, 201);
    // when one of them is decided, then the agent may propose again
    assert.equal((await agent.post(`/v1/actions/${ids[0]}/cancel`, { reason: 'not needed' })).body.status, 'cancelled');
    assert.equal((await agent.propose({ action: 'data.read', resource: 'prod/orders' })).status, 201);
  });

  it('refuses proposal bytes past the requester\'s allowance (429 with the wait), per requester', async () => {
    const text = 'x'.repeat(15_000);
    const large = { action: 'data.read', resource: 'prod/orders', params: { a: text, b: text, c: text, d: text } };
    assert.equal((await erin.propose(large)).status, 201);
    assert.equal((await erin.propose(large)).status, 201);
    const third = await erin.propose(large);
    assertProblem(third, 429);
    assert.equal(third.body.type, 'https://countersign.dev/problems/proposal-bytes-exceeded');
    assertRetryAfter(third, 1, 3600);
    // bytes refused by the bucket are refused before parsing, malformed or not
    assertProblem(await erin.call('POST', '/v1/actions', `{"params":"${'j'.repeat(60_000)}`), 429);
    assert.equal((await agent.propose({ action: 'data.read', resource: 'prod/orders', justification: 'small' })).status, 201);
  });

  it('stops a page at the byte budget and continues it with nextCursor, with no gaps or repeats', async () => {
    // The lists are a read model: every action proposed above is in it once the projector is there.
    await until(async () => (await listedIds()).length >= 7, 'the projector to list every action');
    const all = (await carol.get('/v1/actions?limit=1000')).body;
    assert.ok(all.items.length < 7 && all.nextCursor, `the first page is cut short: ${all.items.length} items`);
    const seen: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: ApiResponse = await carol.get(`/v1/actions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      if (page.body.items.length > 1) assert.ok(Buffer.byteLength(JSON.stringify(page.body.items)) <= 4096 + page.body.items.length, 'within the budget');
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
    }
    assert.equal(new Set(seen).size, seen.length, 'no repeats');
    assert.ok(seen.length >= 7, `every action is listed (${seen.length})`);
    const audit = (await carol.get('/v1/audit?limit=1000')).body;
    assert.ok(audit.nextCursor && audit.items.length < 1000);
  });
});
