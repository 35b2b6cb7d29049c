import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Countersign } from './client.js';
import { ActionCancelled, ActionDenied, ActionExpired, CountersignError, CountersignUnavailable, RequestRejected, WaitTimedOut } from './errors.js';
import { verifyGrant } from './grant.js';
import { FakeApi, grantKeys, type FakeKeys } from './testing/fake-api.js';
import { html, json, networkError, recordingSleep } from './testing/replies.js';

const spec = { action: 'data.export', resource: 'prod/customers', params: { format: 'csv', rows: 5000 }, justification: 'churn report' };

let keys: FakeKeys;
before(async () => {
  keys = await grantKeys();
});

function setup() {
  const api = new FakeApi(keys);
  const cs = new Countersign({ url: 'http://cs.test', apiKey: 'demo-agent-key', fetch: api.fetch, retry: { attempts: 3, baseMs: 1 } }, { sleep: recordingSleep().sleep });
  const steps: string[] = [];
  api.intercept = (req) => {
    steps.push(`${req.method} ${req.url.pathname.replace(/^\/v1\/actions\/[^/]+/, '/v1/actions/:id')}${req.body && (req.body as { outcome?: string }).outcome ? ` ${(req.body as { outcome: string }).outcome}` : ''}`);
    return undefined;
  };
  return { api, cs, steps };
}

describe('guard', () => {
  it('given an approval after a wait, runs fn once with a grant for exactly these params, between redemption and report', async () => {
    const { api, cs, steps } = setup();
    api.decide = (_a, polls) => (polls >= 2 ? 'approved' : undefined);
    let runs = 0;
    const result = await cs.guard(spec, async ({ grant, action }) => {
      runs++;
      steps.push('fn');
      const claims = await verifyGrant(grant, { jwks: keys.jwks, params: spec.params, action: spec.action, resource: spec.resource, actionId: action.id });
      assert.equal(claims.sub, action.id);
      return 'exported';
    });
    assert.equal(result, 'exported');
    assert.equal(runs, 1);
    assert.deepEqual(steps, ['POST /v1/actions', 'GET /v1/actions/:id', 'GET /v1/actions/:id', 'GET /v1/actions/:id/grant', 'POST /v1/actions/:id/executions', 'fn', 'POST /v1/actions/:id/executions succeeded']);
    assert.equal(api.actions.length, 1);
    assert.equal(api.actions[0].execution?.status, 'succeeded');
    assert.match(api.requests[0].headers.get('idempotency-key')!, /^guard-[0-9a-f]{64}$/);
  });

  for (const [outcome, type] of [['denied', ActionDenied], ['expired', ActionExpired], ['cancelled', ActionCancelled]] as const) {
    it(`given the action is ${outcome}, throws ${type.name} and never runs fn or asks for a grant`, async () => {
      const { api, cs, steps } = setup();
      api.decide = () => outcome;
      let ran = false;
      const error = await cs.guard(spec, () => (ran = true)).catch((e: unknown) => e);
      assert.ok(error instanceof type);
      assert.equal(ran, false);
      assert.ok(!steps.some((s) => s.includes('grant') || s.includes('executions')));
    });
  }

  it('given a denial, the error carries the reason and the rule', async () => {
    const { api, cs } = setup();
    api.decide = () => 'denied';
    const error = await cs.guard(spec, () => 'never').catch((e: unknown) => e);
    assert.ok(error instanceof ActionDenied);
    assert.equal(error.reason, 'denied in the test');
    assert.equal(error.rule, 'prod-export');
  });

  it('given Countersign cannot be reached, throws CountersignUnavailable and never runs fn', async () => {
    const { api, cs } = setup();
    api.intercept = () => networkError('ECONNREFUSED');
    let ran = false;
    await assert.rejects(cs.guard(spec, () => (ran = true)), CountersignUnavailable);
    assert.equal(ran, false);
  });

  it('given an outage after the approval (grant or redemption fails), never runs fn', async () => {
    for (const path of ['/grant', '/executions']) {
      const { api, cs } = setup();
      api.intercept = (req) => (req.url.pathname.endsWith(path) ? html(502) : undefined);
      let ran = false;
      await assert.rejects(cs.guard(spec, () => (ran = true)), CountersignUnavailable, path);
      assert.equal(ran, false, path);
    }
  });

  it('given a redemption only queued (202), never runs fn: a concurrent copy may hold it', async () => {
    const { api, cs } = setup();
    api.intercept = (req) => (req.url.pathname.endsWith('/executions') ? json(202, { id: 'x', accepted: 'cmd-1', detail: 'Queued' }) : undefined);
    let ran = false;
    const error = await cs.guard(spec, () => (ran = true)).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.equal(error.mayHaveTakenEffect, true);
    assert.equal(ran, false);
  });

  it('given a proposal answered with garbage, never runs fn', async () => {
    const { api, cs } = setup();
    api.intercept = (req) => (req.method === 'POST' ? new Response('<html>ok</html>', { status: 200 }) : undefined);
    let ran = false;
    await assert.rejects(cs.guard(spec, () => (ran = true)), CountersignUnavailable);
    assert.equal(ran, false);
  });

  it('given an approved answer about other params, refuses to run fn', async () => {
    const { api, cs } = setup();
    api.intercept = (req) => (req.method === 'POST' && req.url.pathname === '/v1/actions'
      ? json(201, { id: 'x1', status: 'approved', action: spec.action, resource: spec.resource, paramsHash: '0'.repeat(64) }) : undefined);
    let ran = false;
    await assert.rejects(cs.guard(spec, () => (ran = true)), CountersignError);
    assert.equal(ran, false);
  });

  it('given fn fails, reports the failure with its message and rethrows the same error', async () => {
    const { api, cs } = setup();
    const boom = new Error('disk full');
    const error = await cs.guard(spec, () => Promise.reject(boom)).catch((e: unknown) => e);
    assert.equal(error, boom);
    assert.equal(api.actions[0].execution?.status, 'failed');
    assert.equal(api.actions[0].execution?.error, 'Error: disk full');
  });

  it('given the same call again after it ran, finds the same action and refuses to run twice', async () => {
    const { api, cs } = setup();
    let runs = 0;
    await cs.guard(spec, () => runs++);
    const error = await cs.guard({ ...spec, params: { rows: 5000, format: 'csv' } }, () => runs++).catch((e: unknown) => e);
    assert.ok(error instanceof RequestRejected);
    assert.equal(error.code, 'already-redeemed');
    assert.equal(runs, 1);
    assert.equal(api.actions.length, 1);
  });

  it('given an agent restarted while waiting, the same call resumes the same action and runs once', async () => {
    const { api, cs } = setup();
    api.decide = () => undefined;
    await assert.rejects(cs.guard(spec, () => assert.fail('ran while pending'), { timeout: 0 }), WaitTimedOut);
    api.decide = () => 'approved';
    let runs = 0;
    const restarted = new Countersign({ url: 'http://cs.test', apiKey: 'demo-agent-key', fetch: api.fetch });
    await restarted.guard({ ...spec, justification: 'churn report (after a restart, in other words)' }, () => runs++);
    assert.equal(runs, 1);
    assert.equal(api.actions.length, 1);
  });

  it('given another key, proposes a separate action', async () => {
    const { api, cs } = setup();
    await cs.guard({ ...spec, key: 'monday' }, () => 1);
    await cs.guard({ ...spec, key: 'tuesday' }, () => 2);
    assert.equal(api.actions.length, 2);
  });

  it('given the report cannot be sent, still returns fn’s result and says so', async () => {
    const { api, cs } = setup();
    api.intercept = (req) => ((req.body as { outcome?: string } | undefined)?.outcome ? networkError('ECONNRESET') : undefined);
    const failures: unknown[] = [];
    assert.equal(await cs.guard(spec, () => 'done', { onReportError: (e) => failures.push(e) }), 'done');
    assert.equal(failures.length, 1);
    assert.ok(failures[0] instanceof CountersignUnavailable);
  });
});
