import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '@countersign/contracts';
import { client, KEYS } from '../support/api-client.ts';
import { until } from '../support/until.ts';
import { removeDir, startCountersign, tempDataDir, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

describe(`idempotent proposals and restarts (${SHAPE})`, () => {
  let dataDir: string;
  before(async () => (dataDir = await tempDataDir()));
  after(async () => removeDir(dataDir));

  it('converges retries with one Idempotency-Key and refuses a different body under it', async () => {
    const cs = await startCountersign({ dataDir, env: E2E_ENV });
    try {
      const agent = client(cs.url, KEYS.agent);
      const body = { action: 'data.export', resource: 'prod/idem', params: { n: 1 } };
      const headers = { 'idempotency-key': 'export-2026-11-21' };
      const concurrent = await Promise.all([1, 2, 3, 4].map(() => agent.propose(body, headers)));
      const ids = new Set(concurrent.map((r) => r.body.id));
      assert.equal(ids.size, 1);
      for (const r of concurrent) assert.ok([200, 201].includes(r.status), `status ${r.status}`);
      const replay = await agent.propose(body, headers);
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.id, concurrent[0].body.id);
      const conflict = await agent.propose({ ...body, params: { n: 2 } }, headers);
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.type, 'https://countersign.dev/problems/idempotency-key-reused');
      assert.equal(conflict.body.actionId, replay.body.id, 'the problem names the action the key leads to');
      const otherCaller = await client(cs.url, KEYS.alice).propose(body, headers);
      assert.notEqual(otherCaller.body.id, replay.body.id, 'keys are scoped to the caller');
      // The events are a read model, behind the answers: wait for the decision to be projected.
      const decidedIn = (events: { type: string }[] = []) => events.some((e) => e.type === 'ActionApproved' || e.type === 'ActionDenied' || e.type === 'ApprovalRequested');
      await until(async () => decidedIn((await agent.get(`/v1/actions/${replay.body.id}/events`)).body.events), 'the replayed action projected');
      const events = await agent.get(`/v1/actions/${replay.body.id}/events`);
      assert.equal(events.body.events.filter((e: { type: string }) => e.type === 'ActionProposed').length, 1);
    } finally {
      await cs.stop();
    }
  });

  it('after kill -9 and restart, decided and pending actions come back exactly, with unbroken chains', async () => {
    let cs = await startCountersign({ dataDir, env: E2E_ENV });
    const agent = client(cs.url, KEYS.agent);
    const allowed = (await agent.propose({ action: 'data.read', resource: 'prod/a' })).body.id;
    const pending = (await agent.propose({ action: 'iam.escalate', resource: 'iam/role/ops' })).body.id;
    await client(cs.url, KEYS.alice).post(`/v1/actions/${pending}/approve`, { comment: 'first of two' });
    const denied = (await agent.propose({ action: 'data.export', resource: 'prod/b' })).body.id;
    await client(cs.url, KEYS.bob).post(`/v1/actions/${denied}/deny`, { reason: 'not today' });
    const ids = [allowed, pending, denied];
    // The read models are behind the answers (distributed): snapshot them once they hold each
    // action's last event, so the comparison after the restart is of what was recorded.
    const lastTypes = { [allowed]: 'ActionApproved', [pending]: 'VoteRecorded', [denied]: 'ActionDenied' };
    const lastType = async (id: string) => (await agent.get(`/v1/actions/${id}/events`)).body.events?.at(-1)?.type;
    await until(async () => (await Promise.all(ids.map(lastType))).every((type, i) => type === lastTypes[ids[i]]), 'the three actions projected');
    const before = await Promise.all(ids.map((id) => agent.get(`/v1/actions/${id}`)));
    const chainsBefore = await Promise.all(ids.map((id) => agent.get(`/v1/actions/${id}/events`)));
    await cs.kill9();

    cs = await startCountersign({ dataDir, env: E2E_ENV });
    try {
      const again = client(cs.url, KEYS.agent);
      const afterRestart = await Promise.all(ids.map((id) => again.get(`/v1/actions/${id}`)));
      assert.deepEqual(afterRestart.map((r) => r.body), before.map((r) => r.body));
      for (const [i, id] of ids.entries()) {
        const chain = await again.get(`/v1/actions/${id}/events`);
        assert.deepEqual(chain.body.chain.valid, true);
        assert.deepEqual(chain.body.events, chainsBefore[i].body.events);
        assert.equal(verifyChain(chain.body.events).ok, true, 'the client can verify the chain itself');
      }
      // The pending action is still live: the second approval decides it.
      const second = await client(cs.url, KEYS.erin).post(`/v1/actions/${pending}/approve`, {});
      assert.equal(second.body.status, 'approved');
      assert.deepEqual(second.body.decision.by.sort(), ['alice', 'erin']);
    } finally {
      await cs.stop();
    }
  });
});
