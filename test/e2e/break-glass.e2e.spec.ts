import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const ENV = { ...E2E_ENV, COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/break-glass-policies') };

describe(`break-glass and escalation through the API (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, bob: Client, carol: Client, erin: Client;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    [agent, bob, carol, erin] = [KEYS.agent, KEYS.bob, KEYS.carol, KEYS.erin].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('shows why policy asked, lets a steward break glass with a comment, flags it and asks security to review', async () => {
    const proposed = await agent.propose({ action: 'deploy.hotfix', resource: 'prod/checkout', params: { severity: 'sev1' } });
    assert.equal(proposed.body.status, 'pending');
    const id = proposed.body.id;
    assert.equal(typeof proposed.body.policy.explanation, 'string');
    assert.ok(proposed.body.policy.conditions.some((c: { rule: string; result: string }) => c.rule === 'hotfix' && c.result === 'held'));
    assert.deepEqual(proposed.body.approval.channels, ['slack:#deploys']);
    assert.deepEqual(proposed.body.approval.breakGlass.eligible.sort(), ['alice', 'bob']);
    assert.deepEqual(proposed.body.approval.eligible, ['erin']);

    const approved = await bob.post(`/v1/actions/${id}/approve`, { breakGlass: true, comment: 'checkout is down, INC-1234' });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'approved');
    assert.equal(approved.body.decision.breakGlass, true);
    assert.deepEqual(approved.body.decision.by, ['bob']);
    assert.equal(approved.body.votes[0].breakGlass, true);

    // The review follows the decision in the same stream: wait until it shows.
    const view = await waitFor(async () => {
      const current = (await bob.get(`/v1/actions/${id}`)).body;
      return current.review ? current : undefined;
    }, { what: `the review of ${id}` });
    assert.equal(view.review.status, 'requested');
    assert.equal(view.review.approvedBy, 'bob');
    assert.deepEqual([view.review.reviewGroups, view.review.reviewers], [['security'], ['erin']]);
    assert.equal((await erin.get(`/v1/actions/${id}`)).status, 200, 'the reviewer can see the action');

    // The audit trail is a read model, behind the answers (they come from the log): wait for the review's row.
    const rows = await waitFor(async () => {
      const items = (await carol.get(`/v1/audit?limit=1000&action=deploy.hotfix`)).body.items.filter((e: { actionId: string }) => e.actionId === id);
      return items.some((e: { type: string }) => e.type === 'ReviewRequested') ? items : undefined;
    }, { what: `the audit rows of ${id}` });
    const byType = Object.fromEntries(rows.map((e: { type: string }) => [e.type, e]));
    assert.equal(byType.VoteRecorded.summary, 'break-glass approval by bob via api: checkout is down, INC-1234');
    assert.deepEqual(byType.ActionApproved.details, { breakGlass: true });
    assert.match(byType.ReviewRequested.summary, /^break-glass approval by bob — review requested from security by \d{4}-/);
    assert.match(byType.PolicyEvaluated.summary, /under rule hotfix — /);
  });

  it('records the review once, from a reviewer only, and lists the action as pending review until then', async () => {
    const proposed = await agent.propose({ action: 'deploy.hotfix', resource: 'prod/payments', params: { severity: 'sev1' } });
    const id = proposed.body.id;
    assert.equal((await bob.post(`/v1/actions/${id}/approve`, { breakGlass: true, comment: 'payments down, INC-77' })).status, 200);
    type Listed = { id: string; review: { status: string } };
    const listed = await waitFor(async () => {
      const items: Listed[] = (await erin.get('/v1/actions?review=pending&limit=1000')).body.items;
      return items.find((a) => a.id === id);
    }, { what: `${id} among the pending reviews` });
    assert.equal(listed?.review.status, 'requested', 'the reviewer finds the action with review=pending');

    const bad = await erin.post(`/v1/actions/${id}/review`, { verdict: 'fine', comment: ' ' });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual([...new Set(bad.body.errors.map((e: { pointer: string }) => e.pointer))].sort(), ['/comment', '/verdict']);
    const byApprover = await bob.post(`/v1/actions/${id}/review`, { verdict: 'upheld', comment: 'it was fine' });
    assert.equal(byApprover.status, 403, byApprover.text);
    assert.equal(byApprover.body.type, 'https://countersign.dev/problems/not-eligible');

    const reviewed = await erin.post(`/v1/actions/${id}/review`, { verdict: 'concerns', comment: 'no incident ticket was linked' });
    assert.equal(reviewed.status, 200, reviewed.text);
    assert.equal(reviewed.body.status, 'approved', 'the approval stands');
    const { status, reviewedBy, comment, late } = reviewed.body.review;
    assert.deepEqual({ status, reviewedBy, comment, late }, { status: 'concerns', reviewedBy: 'erin', comment: 'no incident ticket was linked', late: false });
    assert.equal(typeof reviewed.body.review.reviewedAt, 'string');
    assert.deepEqual((await erin.get(`/v1/actions/${id}`)).body.review, reviewed.body.review);
    // Lists are a read model: the review shows there once the projector has written it.
    const listedPending = async () => ((await erin.get('/v1/actions?review=pending&limit=1000')).body.items as Listed[]).some((a) => a.id === id);
    await until(async () => !(await listedPending()), 'a recorded review to leave the pending-review list');

    const again = await erin.post(`/v1/actions/${id}/review`, { verdict: 'upheld', comment: 'on second thought' });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.type, 'https://countersign.dev/problems/already-reviewed');

    const rows = (await carol.get('/v1/audit?type=ReviewRecorded&limit=1000')).body.items.filter((e: { actionId: string }) => e.actionId === id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].summary, 'break-glass approval reviewed by erin: concerns — no incident ticket was linked');
    assert.deepEqual([rows[0].actor, rows[0].approvers], ['erin', ['bob']]);
  });

  it('refuses break-glass from someone outside the clause', async () => {
    const proposed = await agent.propose({ action: 'deploy.hotfix', resource: 'prod/search', params: { severity: 'sev1' } });
    const res = await erin.post(`/v1/actions/${proposed.body.id}/approve`, { breakGlass: true, comment: 'me too' });
    assert.equal(res.status, 403);
    assert.equal(res.body.type, 'https://countersign.dev/problems/not-eligible');
  });

  it('after the escalation time, the added stewards find the action in their queue and may approve it', async () => {
    const proposed = await agent.propose({ action: 'ops.failover', resource: 'db/primary' });
    assert.equal(proposed.body.approval.escalation.escalated, false);
    const id = proposed.body.id;
    type Listed = { id: string; approval: { eligible: string[]; escalation: Record<string, unknown> } };
    const listed = await waitFor(async () => {
      const queue: Listed[] = (await bob.get('/v1/actions?approver=me&limit=1000')).body.items;
      return queue.find((a) => a.id === id);
    }, { what: `${id} in bob's queue` });
    assert.ok(listed, 'bob finds the escalated action with approver=me');
    assert.equal(listed.approval.escalation.escalated, true);
    assert.deepEqual((listed.approval.escalation.added as string[]).sort(), ['alice', 'bob']);
    assert.ok(listed.approval.eligible.includes('bob'));
    const approved = await bob.post(`/v1/actions/${id}/approve`, {});
    assert.equal(approved.body.status, 'approved');
    const rows = (await carol.get(`/v1/audit?type=ApprovalEscalated&limit=1000`)).body.items.filter((e: { actionId: string }) => e.actionId === id);
    assert.match(rows[0].summary, /^escalated to data-stewards: (alice, bob|bob, alice) may now vote$/);
  });
});
