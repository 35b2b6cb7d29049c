import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { assertProblem } from '../support/problems.ts';

describe(`malformed input gets a precise problem and changes nothing (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, carol: Client, bob: Client;
  let pendingId: string;
  let auditCount: () => Promise<number>;

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    agent = client(cs.url, KEYS.agent);
    carol = client(cs.url, KEYS.carol);
    bob = client(cs.url, KEYS.bob);
    pendingId = (await agent.propose({ action: 'data.export', resource: 'prod/x' })).body.id;
    auditCount = async () => (await carol.get('/v1/audit?limit=1000')).body.items.length;
    // The audit trail is a read model: the proposal's three entries land once the projector wrote them.
    await until(async () => (await auditCount()) >= 3, 'the pending proposal in the audit trail');
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('POST /v1/actions rejects each kind of bad body', async () => {
    const before = await auditCount();
    assertProblem(await agent.propose({ resource: 'prod/x' }), 400, { pointer: '/action' });
    assertProblem(await agent.propose({ action: 'Data Export!', resource: 'prod/x' }), 400, { pointer: '/action' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'r', params: [1] }), 400, { pointer: '/params' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'r', extra: 1 }), 400, { pointer: '/extra' });
    assertProblem(await agent.call('POST', '/v1/actions', '{"action": "data.read",'), 400, { pointer: '' });
    assertProblem(await agent.call('POST', '/v1/actions', 'action=x', { 'content-type': 'text/plain' }), 415, { header: 'Content-Type' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'r' }, { 'idempotency-key': 'é'.repeat(3) }), 400, { header: 'Idempotency-Key' });
    assertProblem(await agent.call('POST', '/v1/actions', JSON.stringify({ action: 'data.read', resource: 'x'.repeat(2_000_000) })), 413);
    assert.equal(await auditCount(), before);
  });

  it('every /v1 endpoint authenticates', async () => {
    const anon = client(cs.url);
    const res = await anon.get('/v1/actions');
    assertProblem(res, 401, { header: 'Authorization' });
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assertProblem(await client(cs.url, 'not-a-key').propose({ action: 'data.read', resource: 'r' }), 401, { header: 'Authorization' });
    assertProblem(await anon.post(`/v1/actions/${pendingId}/approve`, {}), 401);
    assertProblem(await anon.get('/v1/audit'), 401);
    assertProblem(await anon.call('GET', `/v1/actions/${pendingId}`, undefined, { authorization: 'Basic abc' }), 401, { header: 'Authorization' });
  });

  it('query parameters are checked by name', async () => {
    assertProblem(await agent.get('/v1/actions?status=maybe'), 400, { parameter: 'status' });
    assertProblem(await agent.get('/v1/actions?limit=0'), 400, { parameter: 'limit' });
    assertProblem(await agent.get('/v1/actions?cursor=!!'), 400, { parameter: 'cursor' });
    assertProblem(await agent.get('/v1/actions?cursor=abc'), 400, { parameter: 'cursor' });
    assertProblem(await agent.get('/v1/actions?approver=bob'), 400, { parameter: 'approver' });
    assertProblem(await agent.get('/v1/actions?colour=red'), 400, { parameter: 'colour' });
    assertProblem(await agent.get(`/v1/actions/${pendingId}?wait=soon`), 400, { parameter: 'wait' });
    assertProblem(await carol.get('/v1/audit?from=yesterday'), 400, { parameter: 'from' });
    assertProblem(await carol.get('/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'), 400, { parameter: 'from' });
    assertProblem(await carol.get('/v1/audit?outcome=maybe'), 400, { parameter: 'outcome' });
  });

  it('votes and cancels with bad bodies change nothing', async () => {
    const before = await agent.get(`/v1/actions/${pendingId}`);
    assertProblem(await bob.post(`/v1/actions/${pendingId}/deny`, {}), 400, { pointer: '/reason' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/deny`, { reason: '   ' }), 400, { pointer: '/reason' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { comment: 5 }), 400, { pointer: '/comment' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { approve: true }), 400, { pointer: '/approve' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { breakGlass: 'yes', comment: 'outage' }), 400, { pointer: '/breakGlass' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { breakGlass: true }), 400, { pointer: '/comment' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { breakGlass: true, comment: '  ' }), 400, { pointer: '/comment' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/deny`, { reason: 'no', breakGlass: true }), 422, { pointer: '/breakGlass' });
    assertProblem(await agent.post(`/v1/actions/${pendingId}/cancel`, { reason: ['x'] }), 400, { pointer: '/reason' });
    assertProblem(await bob.post('/v1/actions/no-such-action/approve', {}), 404);
    const after = await agent.get(`/v1/actions/${pendingId}`);
    assert.deepEqual(after.body, before.body);
  });

  it('unknown routes, hidden actions and the audit trail answer with problems', async () => {
    assertProblem(await agent.get('/v1/nothing-here'), 404);
    assertProblem(await agent.get('/v1/actions/00000000-0000-7000-8000-000000000000'), 404);
    // erin is neither involved in the data.export nor an auditor: the action is invisible to her.
    assertProblem(await client(cs.url, KEYS.erin).get(`/v1/actions/${pendingId}`), 404);
    assertProblem(await agent.get('/v1/audit'), 403);
  });
});
