import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '@countersign/contracts';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

describe('an approval router killed with kill -9 around a vote (kafka)', () => {
  for (const fault of ['crash-before-produce', 'crash-after-commit']) {
    it(`${fault}: after restart the vote counts once and the action has one decision`, async () => {
      const cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_TEST_FAULT: fault }, entries: { 'approval-router': 'test/support/faulty-router.main.ts' } });
      try {
        const agent = client(cs.url, KEYS.agent);
        const proposed = await agent.propose({ action: 'data.export', resource: `prod/${fault}` });
        assert.equal(proposed.body.status, 'pending');
        const router = cs.processes.get('approval-router')!;
        const vote = client(cs.url, KEYS.bob).post(`/v1/actions/${proposed.body.id}/approve`, { comment: 'once' });
        assert.equal(await router.exited, null, 'the router died by SIGKILL');
        // Same instance id, so the same transactional id: the restart fences the dead instance.
        await cs.startService('approval-router', 'approval-router');
        await vote;
        const decided = await agent.get(`/v1/actions/${proposed.body.id}?wait=30s`);
        assert.equal(decided.body.status, 'approved');
        const chain = await agent.get(`/v1/actions/${proposed.body.id}/events`);
        const types = chain.body.events.map((e: { type: string }) => e.type);
        assert.deepEqual(types, ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'ActionApproved']);
        assert.equal(verifyChain(chain.body.events).ok, true);
        // The router still works for the next action.
        const next = await agent.propose({ action: 'data.export', resource: `prod/${fault}-next` });
        const approved = await client(cs.url, KEYS.alice).post(`/v1/actions/${next.body.id}/approve`, {});
        assert.equal(approved.body.status, 'approved');
      } finally {
        await cs.kill9();
        await removeDir(cs.dataDir);
      }
    });
  }
});
