import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

describe('the audit projector stopped and restarted (kafka + mongodb)', () => {
  it('catches up exactly: every event projected once; answers never waited for it', async () => {
    const cs = await startCountersign({ env: E2E_ENV });
    try {
      const agent = client(cs.url, KEYS.agent);
      const carol = client(cs.url, KEYS.carol);
      const before = (await carol.get('/v1/audit?limit=1000')).body.items.length;
      assert.equal(await cs.processes.get('audit-projector')!.stop(), 0);
      // Proposals go through the router while nothing projects: answered from the log all the same.
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => agent.propose({ action: 'data.read', resource: `prod/catch-up-${i}` })));
      for (const answer of answers) {
        assert.equal(answer.status, 201);
        assert.equal(answer.body.status, 'approved');
      }
      await cs.startService('audit-projector', 'audit-projector');
      const audited = async () => (await carol.get('/v1/audit?limit=1000')).body.items;
      await until(async () => (await audited()).length >= before + 8 * 3, 'the projector caught up');
      const audit = await audited();
      assert.equal(audit.length, before + 8 * 3, 'ActionProposed, PolicyEvaluated and ActionApproved per action, once each');
      assert.equal(new Set(audit.map((e: { id: string }) => e.id)).size, audit.length);
      for (const answer of answers) {
        const chain = await agent.get(`/v1/actions/${answer.body.id}/events`);
        assert.equal(chain.body.chain.valid, true);
        assert.equal(chain.body.events.length, 3);
      }
    } finally {
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });
});
