import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

describe('answers come from the log, not from the read model (kafka + mongodb)', () => {
  it('with the audit projector stopped, proposals are answered with their decision, and votes, refusals and long polls get theirs', async () => {
    const cs = await startCountersign({ env: E2E_ENV });
    try {
      const agent = client(cs.url, KEYS.agent);
      const bob = client(cs.url, KEYS.bob);
      const queue = async () => (await bob.get('/v1/actions?approver=me')).body.items as Array<{ id: string; status: string }>;
      // Pending before the projector stops, and in the read model (bob's queue is served from it alone).
      const earlier = await agent.propose({ action: 'data.export', resource: 'prod/before-the-stop' });
      assert.equal(earlier.status, 201);
      assert.equal(earlier.body.status, 'pending');
      await until(async () => (await queue()).some((a) => a.id === earlier.body.id), 'the pending action in the read model');
      assert.equal(await cs.processes.get('audit-projector')!.stop(), 0);

      const read = await agent.propose({ action: 'data.read', resource: 'prod/customers', params: { rows: 5 } });
      assert.equal(read.status, 201);
      assert.equal(read.body.status, 'approved');
      assert.equal(read.body.policy.rule, 'data-read');
      assert.equal(read.body.decision.automatic, true);

      const approved = await bob.post(`/v1/actions/${earlier.body.id}/approve`, { comment: 'answered from the log' });
      assert.equal(approved.status, 200);
      assert.equal(approved.body.status, 'approved');
      assert.deepEqual(approved.body.decision.by, ['bob']);
      assert.equal(approved.body.votes[0].comment, 'answered from the log');

      // An action the read model never saw: its view comes from the answer this gateway gave.
      const fresh = await agent.propose({ action: 'data.export', resource: 'prod/after-the-stop' });
      assert.equal(fresh.status, 201);
      assert.equal(fresh.body.status, 'pending');
      const self = await agent.post(`/v1/actions/${fresh.body.id}/approve`, {});
      assert.equal(self.status, 403);
      assert.equal(self.body.type, 'https://countersign.dev/problems/self-approval');
      const longPoll = agent.get(`/v1/actions/${fresh.body.id}?wait=30s`);
      const denied = await bob.post(`/v1/actions/${fresh.body.id}/deny`, { reason: 'not this week' });
      assert.equal(denied.status, 200);
      assert.equal(denied.body.status, 'denied');
      const polled = await longPoll;
      assert.equal(polled.status, 200);
      assert.equal(polled.body.status, 'denied');
      assert.equal(polled.body.decision.reason, denied.body.decision.reason);

      // None of it reached the read model: bob's queue still shows the first action pending.
      assert.equal((await queue()).find((a) => a.id === earlier.body.id)?.status, 'pending');
    } finally {
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });
});
