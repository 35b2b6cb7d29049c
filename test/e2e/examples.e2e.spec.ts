import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Countersign, type Action } from '@countersign/sdk';
import { exportTable } from '@countersign/example-agent-tool';
import { executeJob, type ExecutorOptions } from '@countersign/example-executor';
import { KEYS } from '../support/api-client.ts';
import { removeDir, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

/** The examples of docs/sdk.md, run as their READMEs describe, against the real system. */
describe(`the SDK examples against the system (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Countersign, bob: Countersign;

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    agent = new Countersign({ url: cs.url, apiKey: KEYS.agent });
    bob = new Countersign({ url: cs.url, apiKey: KEYS.bob });
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  /** Approves (or denies) the first pending update the tool reports. */
  function decideWhenPending(decision: 'approve' | 'deny') {
    let decided: Promise<unknown> | undefined;
    const onUpdate = (action: Action) => {
      if (action.status === 'pending' && !decided) decided = decision === 'approve' ? bob.approve(action.id, { comment: 'ok' }) : bob.deny(action.id, { reason: 'not this quarter' });
    };
    return { onUpdate, settled: () => decided };
  }

  it('agent tool: exports once after approval, refuses to export again, and says why after a denial', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'exports-'));
    const approving = decideWhenPending('approve');
    const result = await exportTable(agent, { table: 'churn', rows: 5000, reason: 'quarterly churn report' }, { outDir, timeoutMs: 60_000, onUpdate: approving.onUpdate });
    await approving.settled();
    assert.match(result, /^Exported 5000 rows of churn to /);
    assert.equal(readdirSync(outDir).length, 1);
    const again = await exportTable(agent, { table: 'churn', rows: 5000, reason: 'once more' }, { outDir, timeoutMs: 60_000 });
    assert.match(again, /already ran/);
    assert.equal(readdirSync(outDir).length, 1, 'the export ran once');

    const denying = decideWhenPending('deny');
    const denied = await exportTable(agent, { table: 'payroll', rows: 10, reason: 'curious' }, { outDir, timeoutMs: 60_000, onUpdate: denying.onUpdate });
    await denying.settled();
    assert.match(denied, /^Not exported: denied under rule prod-export: not this quarter/);
    assert.equal(readdirSync(outDir).length, 1);
  });

  it('executor: verifies a grant offline, redeems it once, runs, reports; a replayed or altered job is refused', async () => {
    const params = { format: 'csv', rows: 7000 };
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/orders', params }, { idempotencyKey: `ex-${Date.now()}` });
    await bob.approve(proposed.id, { comment: 'fine' });
    const { grant } = await agent.getGrant(proposed.id);
    const runs: string[] = [];
    const options: ExecutorOptions = {
      action: 'data.export',
      resourceAllowed: (resource) => resource.startsWith('prod/'),
      keys: { jwksUrl: agent.jwksUrl },
      run: async (p, claims) => {
        runs.push(claims.sub);
        return `exported ${String(p.rows)} rows`;
      },
    };
    const executor = new Countersign({ url: cs.url, apiKey: KEYS.erin });
    const altered = await executeJob(executor, { actionId: proposed.id, grant, params: { ...params, rows: 70_000 } }, options);
    assert.equal(altered.status, 'refused');
    const done = await executeJob(executor, { actionId: proposed.id, grant, params }, options);
    assert.deepEqual(done, { status: 'succeeded', actionId: proposed.id, output: 'exported 7000 rows' });
    const replayed = await executeJob(executor, { actionId: proposed.id, grant, params }, options);
    assert.equal(replayed.status, 'refused');
    assert.match((replayed as { reason: string }).reason, /409 already-redeemed/);
    assert.deepEqual(runs, [proposed.id], 'the work ran once');
    const action = await agent.get(proposed.id);
    assert.equal(action.execution?.status, 'succeeded');
    assert.equal(action.execution?.executor, 'erin');
  });
});
