import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const SEED_TEXT = readFileSync(join(ROOT, 'test/fixtures/policies/e2e.yaml'), 'utf8');
// The change under test: reads, allowed so far, are frozen.
const FROZEN_TEXT = SEED_TEXT.replace(
  '    - id: data-read\n      match: { action: data.read }\n      effect: allow\n',
  '    - id: data-read\n      match: { action: data.read }\n      effect: deny\n      reason: Reads are frozen during the audit.\n',
);

describe(`policy changes through approval (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, erin: Client;

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    [agent, alice, erin] = [KEYS.agent, KEYS.alice, KEYS.erin].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  /** The version the policy evaluator itself reports on /healthz, and the one the API reports. */
  const evaluatorVersion = async () => ((await (await fetch(`${cs.serviceUrl('policy-evaluator')}/healthz`)).json()) as any).details?.policy?.version;
  const apiVersion = async () => (await agent.get('/v1/policies/active')).body.version;
  const inForce = async (version: string) => {
    await waitFor(async () => (await evaluatorVersion()) === version, { what: `the evaluator to use ${version}`, timeoutMs: 20_000 });
    await waitFor(async () => (await apiVersion()) === version, { what: `the API to report ${version}`, timeoutMs: 20_000 });
  };

  async function publishAndApprove(propose: () => Promise<{ status: number; body: any }>): Promise<{ id: string; version: string }> {
    const proposed = await propose();
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    assert.equal(proposed.body.action, 'countersign.policy.publish');
    assert.equal(proposed.body.status, 'pending');
    assert.deepEqual(proposed.body.approval.eligible, ['erin']);
    const approved = await erin.post(`/v1/actions/${proposed.body.id}/approve`, { comment: 'reviewed the diff' });
    assert.equal(approved.body.status, 'approved');
    return { id: proposed.body.id, version: proposed.body.params.version };
  }

  it('waits for approval, then applies to new actions only; earlier decisions keep their version', async () => {
    // given the configured (seed) policy in force, under which reads are allowed
    const seed = await agent.get('/v1/policies/active');
    assert.equal(seed.body.source, 'seed');
    const before = await agent.propose({ action: 'data.read', resource: 'prod/customers' });
    assert.equal(before.body.status, 'approved');
    assert.equal(before.body.policy.policyVersion, seed.body.version);

    // when the agent proposes freezing reads
    const proposed = await agent.post('/v1/policies', { files: [{ path: 'e2e.yaml', text: FROZEN_TEXT }], justification: 'audit week' });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    assert.equal(proposed.body.status, 'pending');
    assert.equal(proposed.body.policy.rule, 'policy-publish');
    const newVersion = proposed.body.params.version;
    assert.match(newVersion, /^[0-9a-f]{64}$/);
    assert.notEqual(newVersion, seed.body.version);
    assert.equal(proposed.body.params.previousVersion, seed.body.version);

    // then nothing changes while it waits: the agent cannot approve its own change, reads still run
    const self = await agent.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(self.status, 403);
    const notYet = await agent.propose({ action: 'data.read', resource: 'prod/orders' });
    assert.equal(notYet.body.status, 'approved');
    assert.equal(notYet.body.policy.policyVersion, seed.body.version);
    // alice (data-stewards) is not involved in a change security approves: she cannot see it, so cannot vote on it
    const notEligible = await alice.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(notEligible.status, 404);

    // when a security engineer approves it
    const approved = await erin.post(`/v1/actions/${proposed.body.id}/approve`, { comment: 'reviewed the diff' });
    assert.equal(approved.body.status, 'approved');
    await inForce(newVersion);

    // then new reads are denied under the new version, naming its rule and explaining why
    const after = await agent.propose({ action: 'data.read', resource: 'prod/customers' });
    assert.equal(after.body.status, 'denied');
    assert.equal(after.body.policy.policyVersion, newVersion);
    assert.equal(after.body.decision.rule, 'data-read');
    assert.match(after.body.decision.reason, /frozen/);
    // and the decisions made before still name the version they were made under
    for (const earlier of [before, notYet]) {
      const view = await agent.get(`/v1/actions/${earlier.body.id}`);
      assert.equal(view.body.status, 'approved');
      assert.equal(view.body.policy.policyVersion, seed.body.version);
    }
    // and the publication is on record: who wrote it, who approved it, what it replaced
    const published = await agent.get(`/v1/policies/${newVersion}`);
    assert.equal(published.status, 200);
    assert.equal(published.body.author, 'demo-agent');
    assert.deepEqual(published.body.approvers, ['erin']);
    assert.equal(published.body.previousVersion, seed.body.version);
    assert.equal(published.body.files[0].text, FROZEN_TEXT);
  });

  it('keeps the published version in force across a restart (rebuilt from the log)', async () => {
    const published = (await agent.get('/v1/policies/active')).body.version;
    await cs.stop();
    cs = await startCountersign({ env: E2E_ENV, dataDir: cs.dataDir });
    [agent, alice, erin] = [KEYS.agent, KEYS.alice, KEYS.erin].map((k) => client(cs.url, k));
    // The evaluator reads every publication before it is ready: no waiting needed.
    assert.equal(await evaluatorVersion(), published);
    const read = await agent.propose({ action: 'data.read', resource: 'prod/customers' });
    assert.equal(read.body.status, 'denied');
    assert.equal(read.body.policy.policyVersion, published);
  });

  it('rolls back to an earlier version, again through approval', async () => {
    const current = (await agent.get('/v1/policies/active')).body;
    assert.equal(current.source, 'published');
    const list = await agent.get('/v1/policies');
    const seedVersion = current.previousVersion;

    const rolledBack = await publishAndApprove(() => agent.post('/v1/policies/rollback', { version: seedVersion, justification: 'audit over' }));
    assert.equal(rolledBack.version, seedVersion);
    await inForce(seedVersion);
    const read = await agent.propose({ action: 'data.read', resource: 'prod/customers' });
    assert.equal(read.body.status, 'approved');
    assert.equal(read.body.policy.policyVersion, seedVersion);
    const restored = await agent.get(`/v1/policies/${seedVersion}`);
    assert.equal(restored.body.rollbackOf, seedVersion);
    assert.ok(list.body.items.length >= 1);
  });

  it('refuses invalid policy files with every error located, and proposes nothing', async () => {
    const broken = FROZEN_TEXT.replace('effect: deny\n      reason: Reads', 'effect: maybe\n      reason: Reads');
    const res = await agent.post('/v1/policies', { files: [{ path: 'e2e.yaml', text: broken }] });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(res.body.errors[0].pointer, '/files/0/text');
    assert.match(res.body.errors[0].detail, /^e2e\.yaml:\d+: \/spec\/rules\/0\/effect must be one of allow, deny, require_approval/);
    const direct = await agent.propose({ action: 'countersign.policy.publish', resource: 'countersign/policy-set', params: { version: 'x', files: [] } });
    assert.equal(direct.status, 422);
    assert.equal(direct.body.errors[0].pointer, '/action');
    const same = await agent.post('/v1/policies', { files: [{ path: 'e2e.yaml', text: SEED_TEXT }] });
    assert.equal(same.status, 409);
  });
});
