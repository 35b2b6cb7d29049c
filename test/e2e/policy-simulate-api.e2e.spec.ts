import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const SEED_TEXT = readFileSync(join(ROOT, 'test/fixtures/policies/e2e.yaml'), 'utf8');
// The candidate: reads, allowed so far, are denied.
const FROZEN_TEXT = SEED_TEXT.replace(
  '    - id: data-read\n      match: { action: data.read }\n      effect: allow\n',
  '    - id: data-read\n      match: { action: data.read }\n      effect: deny\n      reason: Reads are frozen during the audit.\n',
);

describe(`POST /v1/policies/simulate (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, carol: Client;
  const readIds: string[] = [];

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    [agent, alice, carol] = [KEYS.agent, KEYS.alice, KEYS.carol].map((k) => client(cs.url, k));
    for (const table of ['a', 'b']) {
      const read = await agent.proposeRetryingUnavailable({ action: 'data.read', resource: 'prod/customers', params: { table } });
      assert.equal(read.body.status, 'approved', JSON.stringify(read.body));
      readIds.push(read.body.id);
    }
    const exported = await agent.proposeRetryingUnavailable({ action: 'data.export', resource: 'prod/customers' });
    assert.equal(exported.body.status, 'pending', JSON.stringify(exported.body));
    // The simulation reads the read models: wait until they hold all three actions.
    await waitFor(async () => (await carol.get('/v1/actions?limit=10')).body.items?.length === 3, { what: 'three actions in the read model' });
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('given recorded reads, when an auditor simulates denying reads, then exactly those would tighten', async () => {
    const answer = await carol.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }] });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.window, { limit: 500, actionsRead: 3, truncated: false });
    assert.equal(answer.body.totals.replayed, 3);
    assert.equal(answer.body.totals.changed, 2);
    assert.equal(answer.body.totals.tightens, 2);
    assert.deepEqual(answer.body.changes.map((c: any) => c.actionId).sort(), [...readIds].sort());
    assert.ok(answer.body.changes.every((c: any) => c.then.outcome === 'allow' && c.candidate.outcome === 'deny'));
  });

  it('given a budget of one, when simulating, then only the most recent action is replayed and the answer says so', async () => {
    const answer = await carol.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }], limit: 1 });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.window, { limit: 1, actionsRead: 1, truncated: true });
  });

  it('given a principal without the auditor role, files that do not load, or a bad budget, then it is refused naming why', async () => {
    const forbidden = await alice.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }] });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.type, 'https://countersign.dev/problems/forbidden');
    const invalid = await carol.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: 'spec: [' }] });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.errors[0].pointer, '/files/0/text');
    const budget = await carol.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }], limit: 1001 });
    assert.equal(budget.status, 400);
    assert.equal(budget.body.errors[0].pointer, '/limit');
    const range = await carol.post('/v1/policies/simulate', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }], since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' });
    assert.equal(range.status, 400);
    assert.equal(range.body.errors[0].pointer, '/until');
  });

  it('property: any body is answered without a server error and changes nothing', async () => {
    const before = (await carol.get('/v1/audit?limit=1000')).body.items.length;
    const text = fc.oneof(fc.constant(FROZEN_TEXT), fc.constant(SEED_TEXT), fc.string({ maxLength: 200 }));
    const body = fc.oneof(
      fc.record({ files: fc.array(fc.record({ path: fc.oneof(fc.constant('e2e.yaml'), fc.string({ maxLength: 20 })), text }), { maxLength: 3 }) }, { requiredKeys: [] }),
      fc.record({ files: fc.constant([{ path: 'e2e.yaml', text: FROZEN_TEXT }]), since: fc.string({ maxLength: 30 }), until: fc.string({ maxLength: 30 }), action: fc.string({ maxLength: 20 }), limit: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })) }, { requiredKeys: ['files'] }),
      fc.jsonValue(),
    );
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const answer = await carol.post('/v1/policies/simulate', b);
      assert.ok([200, 400, 422].includes(answer.status), `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    }), { numRuns: 40 });
    assert.equal((await carol.get('/v1/audit?limit=1000')).body.items.length, before);
  });
});
