import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idempotentActionId } from '@countersign/contracts';
import {
  ActionCancelled, ActionDenied, ActionExpired, Countersign, CountersignUnavailable, GrantInvalid, guardKey, RequestRejected, verifyGrant,
  type GuardSpec, type JsonWebKeySet,
} from '@countersign/sdk';
import { generateKeyPairSync } from 'node:crypto';
import { client, KEYS } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { freePort, removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';

/** A grant key file of this suite's own, so a rotation here touches no other suite. */
function grantKeyFile(): string {
  const { kty, crv, x, d } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const path = join(mkdtempSync(join(tmpdir(), 'grant-keys-')), 'grant-keys.json');
  writeFileSync(path, JSON.stringify({ keys: [{ kid: 'grant-suite-1', createdAt: new Date().toISOString(), privateJwk: { kty, crv, x, d } }] }), { mode: 0o600 });
  return path;
}

const KEY_FILE = grantKeyFile();
const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/grant-policies'),
  COUNTERSIGN_GRANT_KEYS: KEY_FILE,
};
const FAST_RETRY = { retry: { attempts: 2, baseMs: 10, maxMs: 50 } };

describe(`signed grants, executions and guard (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Countersign, alice: Countersign;
  let jwks: JsonWebKeySet;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    agent = new Countersign({ url: cs.url, apiKey: KEYS.agent, ...FAST_RETRY });
    alice = new Countersign({ url: cs.url, apiKey: KEYS.alice, ...FAST_RETRY });
    jwks = (await client(cs.url).get('/.well-known/jwks.json')).body;
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  /** Approves the action the guard proposes as soon as it is pending. */
  async function approveWhenPending(spec: GuardSpec): Promise<string> {
    const id = idempotentActionId('demo-agent', await guardKey(spec));
    await until(async () => (await alice.get(id).catch(() => undefined))?.status === 'pending', `${id} pending`);
    await alice.approve(id, { comment: 'fine' });
    return id;
  }

  it('runs a guarded function exactly once, after approval, with exactly the approved params and a grant that verifies offline', async () => {
    const spec = { action: 'data.export', resource: 'prod/customers', params: { rows: 5000, format: 'csv' }, key: `run-${Date.now()}` };
    const runs: string[] = [];
    const [result, id] = await Promise.all([
      agent.guard(spec, async ({ grant, action }) => {
        runs.push(grant);
        assert.deepEqual(action.params, spec.params);
        return 'exported';
      }, { timeout: 60_000 }),
      approveWhenPending(spec),
    ]);
    assert.equal(result, 'exported');
    assert.equal(runs.length, 1);
    const claims = await verifyGrant(runs[0], { jwks, params: spec.params, action: 'data.export', resource: 'prod/customers', actionId: id, audience: 'exporter' });
    assert.deepEqual(claims.approvers, ['alice']);
    assert.equal(claims.rule, 'exports');
    const action = await agent.get(id);
    assert.equal(action.execution?.status, 'succeeded');
    assert.equal(action.execution?.executor, 'demo-agent');
    // The same call again finds the same action, already run: it never runs twice.
    await assert.rejects(agent.guard(spec, async () => runs.push('again')), (e: unknown) => e instanceof RequestRejected && e.code === 'already-redeemed');
    assert.equal(runs.length, 1);

    // Offline verification fails for other params, another action, another audience, after expiry, and under keys that are not ours.
    const fails = async (options: Partial<Parameters<typeof verifyGrant>[1]>, reason: RegExp) =>
      assert.rejects(verifyGrant(runs[0], { jwks, params: spec.params, audience: 'exporter', ...options }), (e: unknown) => e instanceof GrantInvalid && reason.test(`${e.reason} ${e.message}`));
    await fails({ params: { ...spec.params, rows: 5001 } }, /params/i);
    await fails({ actionId: '00000000-0000-7000-8000-000000000000' }, /action|sub/i);
    await fails({ audience: 'someone-else' }, /aud/i);
    await fails({ now: Date.now() + 3_600_000, audience: 'exporter' }, /expired/i);
    const { kty, crv, x } = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    await fails({ jwks: { keys: [{ kty, crv, x, kid: jwks.keys[0].kid, alg: 'EdDSA' }] } as JsonWebKeySet, audience: 'exporter' }, /signature|key/i);
  });

  it('never runs the function after a denial, an expiry or a cancel, and says why', async () => {
    let ran = 0;
    const fn = async () => void ran++;
    await assert.rejects(agent.guard({ action: 'db.drop', resource: 'prod/orders', key: `d-${Date.now()}` }, fn),
      (e: unknown) => e instanceof ActionDenied && e.action.decision?.rule === 'no-drops' && /never allowed/.test(e.message));
    await assert.rejects(agent.guard({ action: 'ops.restart', resource: 'prod/web', key: `e-${Date.now()}` }, fn, { timeout: 60_000 }), (e: unknown) => e instanceof ActionExpired);
    const spec = { action: 'data.export', resource: 'prod/invoices', key: `c-${Date.now()}` };
    const cancelling = (async () => {
      const id = idempotentActionId('demo-agent', await guardKey(spec));
      await until(async () => (await agent.get(id).catch(() => undefined))?.status === 'pending', `${id} pending`);
      await agent.cancel(id, { reason: 'not needed any more' });
    })();
    await assert.rejects(agent.guard(spec, fn, { timeout: 60_000 }), (e: unknown) => e instanceof ActionCancelled);
    await cancelling;
    assert.equal(ran, 0);
  });

  it('never runs the function when Countersign cannot be reached', async () => {
    const down = new Countersign({ url: `http://127.0.0.1:${await freePort()}`, apiKey: KEYS.agent, ...FAST_RETRY });
    let ran = 0;
    await assert.rejects(down.guard({ action: 'data.read', resource: 'prod/x' }, async () => void ran++), (e: unknown) => e instanceof CountersignUnavailable);
    assert.equal(ran, 0);
  });

  it('resumes the wait by id after the agent is killed while waiting, without proposing twice', async () => {
    const spec = { action: 'data.export', resource: 'prod/ledger', params: { rows: 7 }, key: `k-${Date.now()}` };
    const id = idempotentActionId('demo-agent', await guardKey(spec));
    const marker = join(mkdtempSync(join(tmpdir(), 'guard-')), 'ran');
    const script = `import { Countersign } from '@countersign/sdk';
      const cs = new Countersign({ url: ${JSON.stringify(cs.url)}, apiKey: 'demo-agent-key' });
      await cs.guard(${JSON.stringify(spec)}, async () => (await import('node:fs')).writeFileSync(${JSON.stringify(marker)}, 'first'));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await until(async () => (await agent.get(id).catch(() => undefined))?.status === 'pending', `${id} pending`);
    child.kill('SIGKILL');
    await exited;
    let runs = 0;
    const [, ] = await Promise.all([
      agent.guard(spec, async () => void runs++, { timeout: 60_000 }),
      (async () => alice.approve(id, { comment: 'ok' }))(),
    ]);
    assert.equal(runs, 1);
    assert.equal(existsSync(marker), false, 'the killed agent never ran it');
    const mine = await agent.list({ requester: 'me', action: 'data.export', limit: 1000 });
    assert.equal(mine.items.filter((a) => a.resource === 'prod/ledger').length, 1, 'one action, proposed once');
  });

  it('redeems a grant once; a second redemption, other params or an expired grant change nothing', async () => {
    const api = client(cs.url, KEYS.agent);
    const executor = client(cs.url, KEYS.bob);
    const proposed = await api.propose({ action: 'data.read', resource: 'prod/reports', params: { day: '2026-12-01' } });
    assert.equal(proposed.body.status, 'approved');
    const id = proposed.body.id;
    const { grant } = (await api.get(`/v1/actions/${id}/grant`)).body;
    assert.equal((await executor.get(`/v1/actions/${id}/grant`)).status, 404, 'only the requester receives the grant (bob cannot even see it)');
    const other = await executor.post(`/v1/actions/${id}/executions`, { grant, params: { day: '2026-12-02' } });
    assert.equal(other.status, 403, other.text);
    assert.equal(other.body.type, 'https://countersign.dev/problems/grant-params-mismatch');
    const first = await executor.post(`/v1/actions/${id}/executions`, { grant, params: { day: '2026-12-01' } });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.execution.executor, 'bob');
    const second = await executor.post(`/v1/actions/${id}/executions`, { grant, params: { day: '2026-12-01' } });
    assert.equal(second.status, 409, second.text);
    assert.equal(second.body.type, 'https://countersign.dev/problems/already-redeemed');
    const report = await executor.post(`/v1/actions/${id}/executions`, { grant, params: { day: '2026-12-01' }, outcome: 'failed', error: 'disk full' });
    assert.equal(report.status, 200, report.text);
    assert.equal(report.body.execution.status, 'failed');

    // quick-reads grants live 2 s: once the grant endpoint says expired, a redemption is refused and nothing is recorded.
    const later = await api.propose({ action: 'data.read', resource: 'prod/reports', params: { day: '2026-11-30' } });
    const stale = (await api.get(`/v1/actions/${later.body.id}/grant`)).body.grant;
    await until(async () => (await api.get(`/v1/actions/${later.body.id}/grant`)).status === 410, 'the grant to expire', 20_000);
    const expired = await executor.post(`/v1/actions/${later.body.id}/executions`, { grant: stale, params: { day: '2026-11-30' } });
    assert.equal(expired.status, 403, expired.text);
    assert.equal(expired.body.type, 'https://countersign.dev/problems/grant-expired');
    assert.equal((await agent.get(later.body.id)).execution, undefined);
    const events = (await api.get(`/v1/actions/${id}/events`)).body;
    assert.equal(events.chain.valid, true);
  });

  it('answers an action approved at once with its grant when asked (one request for an executor that runs at once), never a pending or spent one', async () => {
    const params = { day: '2026-11-29' };
    const key = `inline-${Date.now()}`;
    const allowed = await agent.propose({ action: 'data.read', resource: 'prod/reports', params }, { idempotencyKey: key, includeGrant: true });
    assert.equal(allowed.status, 'approved');
    assert.ok(allowed.grant, 'the approved answer carries the grant');
    await verifyGrant(allowed.grant.grant, { jwks, params, action: 'data.read', resource: 'prod/reports', actionId: allowed.id });
    assert.deepEqual(allowed.grant, await agent.getGrant(allowed.id), 'the same grant GET …/grant gives');
    // Run, then redeem and report in one request: the execution is on the action's chain.
    const reported = await agent.reportExecution(allowed.id, { grant: allowed.grant.grant, params, outcome: 'succeeded', startedAt: new Date() });
    assert.equal(reported.execution?.status, 'succeeded');
    const replay = await agent.propose({ action: 'data.read', resource: 'prod/reports', params }, { idempotencyKey: key, includeGrant: true });
    assert.equal(replay.id, allowed.id);
    assert.equal(replay.grant, undefined, 'a spent grant is not handed out again');
    const waiting = await agent.propose({ action: 'data.export', resource: 'prod/inline', params: { rows: 1 } }, { includeGrant: true });
    assert.equal(waiting.status, 'pending');
    assert.equal(waiting.grant, undefined);
    const bad = await client(cs.url, KEYS.agent).post('/v1/actions?include=everything', { action: 'data.read', resource: 'prod/reports' });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.errors[0].parameter, 'include');
    const events = (await client(cs.url, KEYS.agent).get(`/v1/actions/${allowed.id}/events`)).body;
    assert.deepEqual(events.events.map((e: { type: string }) => e.type).filter((t: string) => t.startsWith('Execution') || t === 'ActionExecuted'), ['ExecutionStarted', 'ActionExecuted']);
  });

  it('keeps verifying grants signed before a key rotation, and signs new ones with the new key', async () => {
    const api = client(cs.url, KEYS.agent);
    const before = await api.propose({ action: 'data.export', resource: 'prod/rotation', params: { n: 1 } });
    await alice.approve(before.body.id);
    const old = (await api.get(`/v1/actions/${before.body.id}/grant`)).body;
    await cs.stop();
    const rotate = spawn(process.execPath, [...cliNodeArgs(), 'grant-keys', 'rotate', '--file', KEY_FILE], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(await new Promise((r) => rotate.once('exit', r)), 0);
    cs = await startCountersign({ env: ENV, dataDir: cs.dataDir });
    // The grant keys: the checkpoint keys published beside them carry notBefore (ADR 0007).
    const keys = (await client(cs.url).get('/.well-known/jwks.json')).body.keys
      .filter((k: { notBefore?: string }) => k.notBefore === undefined).map((k: { kid: string }) => k.kid);
    assert.equal(keys.length, 2);
    assert.ok(keys.includes(old.kid));
    const redeemed = await client(cs.url, KEYS.bob).post(`/v1/actions/${before.body.id}/executions`, { grant: old.grant, params: { n: 1 } });
    assert.equal(redeemed.status, 201, redeemed.text);
    assert.equal(redeemed.body.execution.kid, old.kid, 'the key id is recorded');
    const fresh = await client(cs.url, KEYS.agent).propose({ action: 'data.read', resource: 'prod/rotation' });
    const grant = (await client(cs.url, KEYS.agent).get(`/v1/actions/${fresh.body.id}/grant`)).body;
    assert.notEqual(grant.kid, old.kid);
    assert.deepEqual(JSON.parse(readFileSync(KEY_FILE, 'utf8')).keys.map((k: { kid: string }) => k.kid).at(-1), grant.kid);
  });
});
