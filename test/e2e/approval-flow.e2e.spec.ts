import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

describe(`approval flow over HTTP (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, bob: Client, erin: Client, carol: Client;

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    [agent, alice, bob, erin, carol] = [KEYS.agent, KEYS.alice, KEYS.bob, KEYS.erin, KEYS.carol].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('auto-allows what policy allows, with the policy outcome on the action', async () => {
    const res = await agent.propose({ action: 'data.read', resource: 'prod/customers', params: { rows: 10 } });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.policy.outcome, 'allow');
    assert.equal(res.body.policy.rule, 'data-read');
    assert.match(res.body.policy.policyVersion, /^[0-9a-f]{64}$/);
    assert.equal(res.body.decision.automatic, true);
    assert.equal(res.headers.get('location'), `/v1/actions/${res.body.id}`);
  });

  it('denies what policy denies, naming the rule and reason', async () => {
    const res = await agent.propose({ action: 'db.drop', resource: 'prod/orders' });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'denied');
    assert.equal(res.body.decision.rule, 'no-drops');
    assert.match(res.body.decision.reason, /never allowed/);
  });

  it('approves with a quorum of two distinct eligible approvers', async () => {
    const proposed = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/admin', params: { user: 'dave' }, justification: 'incident 42' });
    assert.equal(proposed.body.status, 'pending');
    assert.equal(proposed.body.approval.quorum, 2);
    const id = proposed.body.id;
    const first = await alice.post(`/v1/actions/${id}/approve`, { comment: 'ok by me' });
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'pending');
    const again = await alice.post(`/v1/actions/${id}/approve`, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.type, 'https://countersign.dev/problems/duplicate-vote');
    const second = await erin.post(`/v1/actions/${id}/approve`, {});
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'approved');
    assert.deepEqual(second.body.decision.by.sort(), ['alice', 'erin']);
    assert.equal(second.body.decision.paramsHash, proposed.body.paramsHash);
    const late = await bob.post(`/v1/actions/${id}/approve`, {});
    assert.equal(late.status, 409);
    assert.equal(late.body.type, 'https://countersign.dev/problems/already-decided');
  });

  it('refuses self-approval, even from a member of the approver group', async () => {
    const proposed = await alice.propose({ action: 'data.export', resource: 'prod/customers', params: { format: 'csv' } });
    assert.equal(proposed.body.status, 'pending');
    assert.ok(!proposed.body.approval.eligible.includes('alice'));
    const self = await alice.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(self.status, 403);
    assert.equal(self.body.type, 'https://countersign.dev/problems/self-approval');
    assert.match(self.body.detail, /own/);
    const ok = await bob.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(ok.body.status, 'approved');
  });

  it('refuses an approver who is not eligible under the matched rule, saying why', async () => {
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/invoices' });
    const res = await carol.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(res.status, 403);
    assert.equal(res.body.type, 'https://countersign.dev/problems/not-eligible');
    assert.match(res.body.detail, /data-stewards/);
    const view = await agent.get(`/v1/actions/${proposed.body.id}`);
    assert.equal(view.body.status, 'pending');
    assert.equal(view.body.votes.length, 0);
  });

  it('denies on the first eligible rejection, which needs a reason', async () => {
    const proposed = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/root' });
    const noReason = await bob.post(`/v1/actions/${proposed.body.id}/deny`, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].pointer, '/reason');
    const denied = await bob.post(`/v1/actions/${proposed.body.id}/deny`, { reason: 'no ticket' });
    assert.equal(denied.status, 200);
    assert.equal(denied.body.status, 'denied');
    assert.deepEqual(denied.body.decision.by, ['bob']);
    assert.equal(denied.body.decision.reason, 'no ticket');
  });

  it('lets the requester cancel, and nobody else', async () => {
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/x' });
    const byOther = await bob.post(`/v1/actions/${proposed.body.id}/cancel`, {});
    assert.equal(byOther.status, 403);
    const cancelled = await agent.post(`/v1/actions/${proposed.body.id}/cancel`, { reason: 'not needed' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    const vote = await bob.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(vote.status, 409);
  });

  it('sends anything unmatched to the default group (fail closed)', async () => {
    const res = await agent.propose({ action: 'k8s.scale', resource: 'cluster/prod' });
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.policy.rule, 'default');
    assert.deepEqual(res.body.approval.groups, ['security']);
    assert.deepEqual(res.body.approval.eligible, ['erin']);
  });

  it("shows each approver their queue with approver=me", async () => {
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/queue-test' });
    const queued = async () => (await bob.get('/v1/actions?approver=me&limit=100')).body.items.some((a: { id: string }) => a.id === proposed.body.id);
    // The 201 came from the log; lists are read models, which show the action once projected.
    await until(queued, 'the action in the read model');
    const queue = await bob.get('/v1/actions?approver=me&limit=100');
    assert.equal(queue.status, 200);
    assert.ok(queue.body.items.every((a: { status: string }) => a.status === 'pending'));
    const erinQueue = await erin.get('/v1/actions?approver=me&limit=100');
    assert.ok(!erinQueue.body.items.some((a: { id: string }) => a.id === proposed.body.id));
  });

  it('expires a pending action at its deadline', async () => {
    const proposed = await agent.propose({ action: 'ops.restart', resource: 'svc/api' });
    assert.equal(proposed.body.status, 'pending');
    const decided = await agent.get(`/v1/actions/${proposed.body.id}?wait=20s`);
    assert.equal(decided.body.status, 'expired');
    assert.equal(decided.body.decision.outcome, 'expired');
    const late = await erin.post(`/v1/actions/${proposed.body.id}/approve`, {});
    assert.equal(late.status, 409);
  });

  it('long-polls until the decision, then answers at once', async () => {
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/poll' });
    const waiting = agent.get(`/v1/actions/${proposed.body.id}?wait=30s`);
    await bob.post(`/v1/actions/${proposed.body.id}/approve`, {});
    const res = await waiting;
    assert.equal(res.body.status, 'approved');
  });
});
