import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

/** Stopping the policy evaluator is how policy gets slow for real; only the production shape runs it alone. */
describe('a proposal policy has not answered in time (kafka + mongodb)', () => {
  it('is answered 202 with status proposed, and decided once policy answers', async () => {
    const cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_ANSWER_WAIT_MS: '1000' } });
    try {
      const agent = client(cs.url, KEYS.agent);
      // given the evaluator is stopped
      assert.equal(await cs.processes.get('policy-evaluator')!.stop(), 0);
      // when the agent proposes
      const res = await agent.propose({ action: 'data.read', resource: 'prod/orders' });
      // then the proposal is accepted, not created as if decided
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.status, 'proposed');
      assert.equal(res.headers.get('location'), `/v1/actions/${res.body.id}`);
      // and once an evaluator runs again, it is decided
      await cs.startService('policy-evaluator', 'policy-evaluator-2');
      const decided = await agent.get(`/v1/actions/${res.body.id}?wait=30s`);
      assert.equal(decided.body.status, 'approved');
    } finally {
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });
});
