import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';
import { SoftwareAuthenticator } from '../support/software-authenticator.ts';

// Challenges valid for 15 s (default 2m), so the test can see one expire.
const ENV = { ...E2E_ENV, COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/step-up-policies'), COUNTERSIGN_STEP_UP_TTL: '15s' };

// Step-up for risky approvals (docs/step-up.md), with a software authenticator whose registrations
// and assertions the gateway verifies with @simplewebauthn for real.
describe(`step-up approvals with passkeys (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, bob: Client;
  let aliceKey: SoftwareAuthenticator, bobKey: SoftwareAuthenticator;

  const del = async (c: string, path: string) => {
    const res = await fetch(`${cs.url}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${c}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const register = async (who: Client, key: SoftwareAuthenticator, name: string) => {
    const options = await who.post('/v1/passkeys/registration-options');
    assert.equal(options.status, 200, options.text);
    const created = await who.post('/v1/passkeys', { name, response: key.register(options.body) });
    assert.equal(created.status, 201, created.text);
    await waitFor(async () => ((await who.get('/v1/passkeys')).body.items.some((p: { id: string }) => p.id === created.body.id) ? true : undefined), { what: `passkey ${name} listed` });
    return created.body;
  };
  const stepUpOptions = async (who: Client, id: string) => {
    const res = await who.post(`/v1/actions/${id}/step-up`);
    assert.equal(res.status, 200, res.text);
    return res.body.options;
  };
  const deploy = async (version: string) => {
    const proposed = await agent.propose({ action: 'deploy.prod', resource: 'prod/api', params: { version } });
    assert.equal(proposed.body.status, 'pending', proposed.text);
    return proposed.body;
  };

  before(async () => {
    cs = await startCountersign({ env: ENV });
    [agent, alice, bob] = [KEYS.agent, KEYS.alice, KEYS.bob].map((k) => client(cs.url, k));
    const origin = `http://localhost:${new URL(cs.url).port}`;
    [aliceKey, bobKey] = [new SoftwareAuthenticator(origin), new SoftwareAuthenticator(origin)];
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('registers passkeys, refuses approvals without a bound assertion, records the step-up on the vote, and lets denials through', async () => {
    const registered = await register(alice, aliceKey, 'alice laptop');
    assert.equal(registered.name, 'alice laptop');
    await register(bob, bobKey, 'bob phone');
    assert.deepEqual((await alice.get('/v1/passkeys')).body.items.map((p: { name: string }) => p.name), ['alice laptop'], 'each sees only their own');

    const action = await deploy('1.2.3');
    assert.equal(action.policy.stepUp, 'webauthn');

    // Without a step-up: refused at the edge, nothing appended.
    const bare = await alice.post(`/v1/actions/${action.id}/approve`, { comment: 'ship it' });
    assert.equal(bare.status, 403, bare.text);
    assert.match(bare.body.type, /step-up-required$/);
    assert.equal(bare.body.errors[0].pointer, '/stepUp');

    // With an assertion over another action's challenge (other params too): refused.
    const other = await deploy('9.9.9');
    const foreign = aliceKey.assert(await stepUpOptions(alice, other.id));
    const wrongAction = await alice.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: foreign } });
    assert.equal(wrongAction.status, 403, wrongAction.text);
    assert.match(wrongAction.body.type, /step-up-failed$/);
    assert.match(wrongAction.body.errors[0].pointer, /^\/stepUp\/response/);

    // Another user's challenge, and another user's passkey: refused.
    const alicesOptions = await stepUpOptions(alice, action.id);
    const bobSignsAlices = await bob.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: bobKey.assert(alicesOptions) } });
    assert.equal(bobSignsAlices.status, 403, bobSignsAlices.text);
    const bobsOptions = await stepUpOptions(bob, action.id);
    const alicesKeyForBob = await bob.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: aliceKey.assert(bobsOptions) } });
    assert.equal(alicesKeyForBob.status, 403, alicesKeyForBob.text);
    assert.equal(alicesKeyForBob.body.errors[0].pointer, '/stepUp/response/id');
    // A challenge this gateway never issued: refused.
    const forged = await alice.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: aliceKey.assert(alicesOptions, undefined, { challenge: 'Zm9yZ2VkLWNoYWxsZW5nZQ' }) } });
    assert.equal(forged.status, 403, forged.text);
    assert.equal((await alice.get(`/v1/actions/${action.id}`)).body.votes.length, 0, 'no refused attempt counted');

    // The real thing: alice's assertion over her challenge for this action.
    const assertion = aliceKey.assert(alicesOptions);
    const approved = await alice.post(`/v1/actions/${action.id}/approve`, { comment: 'reviewed the diff', stepUp: { response: assertion } });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'pending', 'a quorum of two');
    const vote = approved.body.votes[0];
    assert.equal(vote.voter, 'alice');
    assert.equal(vote.stepUp.method, 'webauthn');
    assert.equal(vote.stepUp.credentialId, registered.id);
    assert.equal(vote.stepUp.challenge, alicesOptions.challenge);
    assert.equal(vote.stepUp.userVerified, true);

    // The same assertion again: refused (the router never counts a voter, or a challenge, twice).
    const replay = await alice.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: assertion } });
    assert.equal(replay.status, 409, replay.text);

    // Denials need no step-up.
    const denied = await bob.post(`/v1/actions/${other.id}/deny`, { reason: 'not this version' });
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.body.status, 'denied');

    // Bob completes the quorum with his own step-up.
    const second = await bob.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: bobKey.assert(await stepUpOptions(bob, action.id)) } });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.status, 'approved');

    // The audit trail shows the registrations and the step-up on the vote.
    const rows = await waitFor(async () => {
      const items = (await client(cs.url, KEYS.carol).get('/v1/audit?limit=1000')).body.items;
      return items.some((e: { type: string; actionId: string }) => e.type === 'ActionApproved' && e.actionId === action.id) ? items : undefined;
    }, { what: 'the audit rows' });
    assert.ok(rows.some((e: { type: string; summary: string }) => e.type === 'PasskeyRegistered' && /alice laptop/.test(e.summary)));
    const voteRow = rows.find((e: { type: string; actionId: string; approvers?: string[] }) => e.type === 'VoteRecorded' && e.actionId === action.id && e.approvers?.[0] === 'alice');
    assert.equal(voteRow.details.stepUp.credentialId, registered.id);
  });

  it('an expired challenge is refused, and a fresh one for the same action counts', async () => {
    const action = await deploy('3.0.0');
    const res = await alice.post(`/v1/actions/${action.id}/step-up`);
    assert.equal(res.status, 200, res.text);
    const { options, expiresAt } = res.body;
    await until(async () => Date.now() > Date.parse(expiresAt), `the challenge's expiry ${expiresAt}`);
    const late = await alice.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: aliceKey.assert(options) } });
    assert.equal(late.status, 403, late.text);
    assert.match(late.body.detail, /expired/);
    const fresh = await alice.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: aliceKey.assert(await stepUpOptions(alice, action.id)) } });
    assert.equal(fresh.status, 200, fresh.text);
  });

  it('a removed passkey can no longer step up', async () => {
    const action = await deploy('2.0.0');
    const options = await stepUpOptions(bob, action.id);
    const [mine] = (await bob.get('/v1/passkeys')).body.items;
    const removed = await del(KEYS.bob, `/v1/passkeys/${mine.id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(typeof removed.body.removedAt, 'string');
    await waitFor(async () => ((await bob.get('/v1/passkeys')).body.items.length === 0 ? true : undefined), { what: 'bob has no passkey' });
    const late = await bob.post(`/v1/actions/${action.id}/approve`, { stepUp: { response: bobKey.assert(options) } });
    assert.equal(late.status, 403, late.text);
    const none = await bob.post(`/v1/actions/${action.id}/step-up`);
    assert.equal(none.status, 409, none.text);
    assert.match(none.body.type, /no-passkey$/);
    assert.equal((await del(KEYS.alice, `/v1/passkeys/${mine.id}`)).status, 404, 'nobody removes another\'s passkey');
  });
});
