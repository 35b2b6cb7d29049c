import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../support/until.ts';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const decisions = (events: { type: string }[]) => events.filter((e) => ['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled'].includes(e.type));

describe('two approval routers in one consumer group (kafka)', () => {
  let cs: RunningCountersign;
  before(async () => {
    cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_LOG_LEVEL: 'info' } });
  });
  after(async () => {
    await cs.kill9();
    await removeDir(cs.dataDir);
  });

  it('share the partitions, and every action still gets exactly one decision', async () => {
    const agent = client(cs.url, KEYS.agent);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push((await agent.propose({ action: 'data.export', resource: `prod/shared-${i}` })).body.id);
    // The second router joins while votes are in flight: the group rebalances under load.
    const joining = cs.startService('approval-router', 'approval-router-2', { COUNTERSIGN_LOG_LEVEL: 'info' });
    const votes = ids.map((id, i) => client(cs.url, i % 2 ? KEYS.alice : KEYS.bob).post(`/v1/actions/${id}/approve`, { comment: `vote ${i}` }));
    await joining;
    await Promise.all(votes);
    for (const id of ids) {
      const decided = await agent.get(`/v1/actions/${id}?wait=30s`);
      assert.equal(decided.body.status, 'approved', `action ${id}`);
      // The events are a read model: wait until the decision is projected.
      const events = () => agent.get(`/v1/actions/${id}/events`);
      await until(async () => decisions((await events()).body.events ?? []).length > 0, `the decision of ${id} in the read model`);
      const chain = await events();
      assert.equal(chain.body.chain.valid, true);
      assert.equal(decisions(chain.body.events).length, 1, `one decision for ${id}`);
      assert.equal(chain.body.events.filter((e: { type: string }) => e.type === 'VoteRecorded').length, 1);
    }
    // After the rebalance both instances own partitions of the commands topic.
    const owners = ['[approval-router]', '[approval-router-2]'].filter((who) =>
      cs.output().split('\n').some((line) => line.startsWith(who) && /owning partitions \d/.test(line)));
    assert.equal(owners.length, 2, cs.output().split('\n').filter((l) => /owning partitions/.test(l)).join('\n'));
    // New actions keep being decided with both instances up.
    const after = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/late' });
    await client(cs.url, KEYS.alice).post(`/v1/actions/${after.body.id}/approve`, {});
    const done = await client(cs.url, KEYS.erin).post(`/v1/actions/${after.body.id}/approve`, {});
    assert.equal(done.body.status, 'approved');
  });
});
