import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Countersign } from './client.js';
import { CountersignUnavailable } from './errors.js';
import { html, json, networkError, problem, recordingSleep, scriptedFetch, type Reply } from './testing/replies.js';

const pending = { id: '01a20091-eb2d-75d6-af37-4376e1c720d1', status: 'pending', action: 'data.export', resource: 'prod/customers', params: { rows: 5 } };

function countersign(replies: Reply[], url = 'http://cs.test') {
  const stub = scriptedFetch(replies);
  const sleep = recordingSleep();
  const cs = new Countersign({ url, apiKey: 'demo-agent-key', fetch: stub.fetch, retry: { attempts: 3, baseMs: 10 } }, { sleep: sleep.sleep });
  return { cs, calls: stub.calls, waits: sleep.waits };
}

describe('Countersign client', () => {
  it('given a proposal, posts it with the API key, JSON and a fresh Idempotency-Key', async () => {
    const { cs, calls } = countersign([json(201, pending)]);
    const action = await cs.propose({ action: 'data.export', resource: 'prod/customers', params: { rows: 5 }, justification: 'report' });
    assert.equal(action.status, 'pending');
    const [req] = calls;
    assert.equal(req.method, 'POST');
    assert.equal(req.url.pathname, '/v1/actions');
    assert.equal(req.headers.get('authorization'), 'Bearer demo-agent-key');
    assert.equal(req.headers.get('content-type'), 'application/json');
    assert.match(req.headers.get('idempotency-key')!, /^sdk-[0-9a-f-]{36}$/);
    assert.deepEqual(req.body, { action: 'data.export', resource: 'prod/customers', params: { rows: 5 }, justification: 'report' });
  });

  it('given a proposal that meets outages, sends every retry with the same Idempotency-Key, so one action results', async () => {
    const { cs, calls } = countersign([networkError('ECONNRESET'), problem(503, 'event-log-unavailable', {}, { 'retry-after': '5' }), json(200, pending)]);
    await cs.propose({ action: 'data.export', resource: 'prod/customers' }, { idempotencyKey: 'nightly-1' });
    assert.equal(calls.length, 3);
    assert.deepEqual(calls.map((c) => c.headers.get('idempotency-key')), ['nightly-1', 'nightly-1', 'nightly-1']);
  });

  it('given includeGrant, asks for the grant in the query and checks the one that comes back', async () => {
    const grant = { grant: 'aGVhZA.Ym9keQ.c2ln', kid: 'k1', jti: 'j1', expiresAt: '2026-12-03T10:00:00.000Z' };
    const { cs, calls } = countersign([json(201, { ...pending, status: 'approved', grant }), json(201, { ...pending, status: 'approved', grant: { grant: 'not a jws' } })]);
    assert.deepEqual((await cs.propose({ action: 'data.read', resource: 'prod/reports' }, { includeGrant: true })).grant, grant);
    assert.equal(calls[0].url.search, '?include=grant');
    await assert.rejects(cs.propose({ action: 'data.read', resource: 'prod/reports' }, { includeGrant: true }), CountersignUnavailable);
  });

  it('given a 202 that knows only the id, returns that much', async () => {
    const { cs } = countersign([json(202, { id: pending.id, status: 'proposed', links: { self: `/v1/actions/${pending.id}` } })]);
    assert.deepEqual(await cs.propose({ action: 'data.export', resource: 'prod/customers' }), { id: pending.id, status: 'proposed', links: { self: `/v1/actions/${pending.id}` } });
  });

  it('given a base URL with a path, keeps the path', async () => {
    const { cs, calls } = countersign([json(200, pending)], 'https://example.test/countersign/');
    await cs.get(pending.id);
    assert.equal(calls[0].url.href, `https://example.test/countersign/v1/actions/${pending.id}`);
  });

  it('given list filters, sends them as query parameters and checks the page', async () => {
    const { cs, calls } = countersign([json(200, { items: [pending], nextCursor: 'c2' })]);
    const page = await cs.list({ approver: 'me', status: 'pending', limit: 10, cursor: 'c1' });
    assert.equal(page.nextCursor, 'c2');
    assert.equal(page.items[0].id, pending.id);
    assert.equal(calls[0].url.search, '?approver=me&status=pending&limit=10&cursor=c1');
  });

  it('given votes and a cancel, posts their bodies to their paths', async () => {
    const { cs, calls } = countersign([json(200, { ...pending, status: 'approved' })]);
    await cs.approve(pending.id, { comment: 'ok', standing: { resource: 'prod/*', maxUses: 3, ttl: '30m' } });
    await cs.deny(pending.id, { reason: 'no' });
    await cs.cancel(pending.id);
    assert.deepEqual(calls.map((c) => [c.url.pathname.split('/').pop(), c.body]), [
      ['approve', { comment: 'ok', standing: { resource: 'prod/*', maxUses: 3, ttl: '30m' } }],
      ['deny', { reason: 'no' }],
      ['cancel', {}],
    ]);
    assert.ok(calls.every((c) => c.headers.get('idempotency-key') === null));
  });

  it('given a vote whose answer is lost (502), does not vote again and says it may have counted', async () => {
    const { cs, calls } = countersign([html(502)]);
    const error = await cs.approve(pending.id).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.equal(error.mayHaveTakenEffect, true);
    assert.equal(calls.length, 1);
  });

  it('given an id that is not one path segment, refuses it before sending anything', async () => {
    const { cs, calls } = countersign([json(200, pending)]);
    for (const id of ['..', '.', '', 'a/b', '../policies', 'x?y', 'a b']) await assert.rejects(cs.get(id), TypeError, id);
    assert.equal(calls.length, 0);
  });

  it('given a grant request, returns the grant; redemption and report send what the contract asks', async () => {
    const grant = { grant: 'eyJh.eyJz.c2ln', kid: 'k1', jti: 'j1', expiresAt: '2026-01-01T00:05:00Z' };
    const { cs, calls } = countersign([json(200, grant), json(201, { execution: { status: 'started' }, action: pending }), json(200, { execution: { status: 'succeeded' } })]);
    assert.deepEqual(await cs.getGrant(pending.id), grant);
    const redeemed = await cs.redeem(pending.id, { grant: grant.grant, params: { rows: 5 }, executor: 'exporter-1' });
    assert.equal(redeemed.execution?.status, 'started');
    await cs.reportExecution(pending.id, { grant: grant.grant, params: { rows: 5 }, outcome: 'failed', startedAt: new Date(0), finishedAt: '1970-01-01T00:00:01.000Z', error: 'disk full' });
    assert.equal(calls[0].url.pathname, `/v1/actions/${pending.id}/grant`);
    assert.deepEqual(calls[1].body, { grant: grant.grant, params: { rows: 5 }, executor: 'exporter-1' });
    assert.deepEqual(calls[2].body, { grant: grant.grant, params: { rows: 5 }, outcome: 'failed', startedAt: '1970-01-01T00:00:00.000Z', finishedAt: '1970-01-01T00:00:01.000Z', error: 'disk full' });
  });

  it('given a grant answer that is not a grant, treats it as unavailable', async () => {
    const { cs } = countersign([json(200, { grant: '<script>', kid: 1 })]);
    await assert.rejects(cs.getGrant(pending.id), CountersignUnavailable);
  });

  it('given bad options, refuses to construct', () => {
    assert.throws(() => new Countersign({ url: 'ftp://x', apiKey: 'k' }), TypeError);
    assert.throws(() => new Countersign({ url: 'http://x', apiKey: '' }), TypeError);
    assert.throws(() => new Countersign({ url: 'http://x', apiKey: 'a\r\nX-Injected: 1' }), TypeError);
    assert.equal(new Countersign({ url: 'http://x:8080/', apiKey: 'k' }).jwksUrl, 'http://x:8080/.well-known/jwks.json');
  });
});
