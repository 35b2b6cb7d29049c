import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { cli } from '../support/cli-process.ts';
import { openStream } from '../support/sse-client.ts';

/**
 * Out-of-office delegation (ADR 0010) through the API, in both shapes, with the demo principals:
 * alice and bob are data stewards (prod exports need one of them), erin is in security (not an
 * approver of exports), carol is an auditor. Each test delegates to its own delegate or revokes
 * what it made, so the tests do not depend on one another's delegations.
 */
const PROBLEM = 'https://countersign.dev/problems/';
const hours = (n: number) => new Date(Date.now() + n * 3600_000).toISOString();

describe(`delegation through the API (${SHAPE})`, () => {
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

  /** A pending action proposed by `who`. */
  async function pending(who: Client, action = 'data.export', resource = `prod/db/${Math.random().toString(36).slice(2)}`): Promise<string> {
    const res = await who.propose({ action, resource, params: { rows: 10 } });
    assert.ok([201, 202].includes(res.status), res.text);
    return waitFor(async () => {
      const view = (await who.get(`/v1/actions/${res.body.id}?wait=5s`)).body;
      return view.status === 'pending' ? res.body.id as string : undefined;
    }, { what: `action ${res.body.id} pending`, timeoutMs: 30_000 });
  }

  /** `who` delegates to `delegate`; returns the delegation once the read model shows it. */
  async function delegate(who: Client, body: Record<string, unknown>) {
    const res = await who.post('/v1/delegations', body);
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => ((await who.get(`/v1/delegations/${res.body.id}`)).status === 200 ? true : undefined), { what: 'the delegation projected', timeoutMs: 30_000 });
    return res.body;
  }

  async function revoke(who: Client, id: string) {
    const res = await who.call('DELETE', `/v1/delegations/${id}`, {});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'revoked');
    await waitFor(async () => ((await who.get(`/v1/delegations/${id}`)).body.status === 'revoked' ? true : undefined), { what: 'the revocation projected', timeoutMs: 30_000 });
  }

  const inbox = async (who: Client) => ((await who.get('/v1/actions?approver=me&limit=1000')).body.items as Array<{ id: string }>).map((a) => a.id);

  it('lets a delegate see and approve for their delegator: the vote and the audit say on whose behalf', async () => {
    // Given bob delegates to erin for a day.
    const d = await delegate(bob, { delegate: 'erin', until: hours(24), reason: 'on leave' });
    assert.deepEqual([d.delegator, d.delegate, d.status, d.reason], ['bob', 'erin', 'active', 'on leave']);
    assert.ok((await erin.get('/v1/delegations')).body.items.some((x: { id: string }) => x.id === d.id), 'the delegate lists it');
    assert.ok((await bob.get('/v1/delegations')).body.items.some((x: { id: string }) => x.id === d.id), 'the delegator lists it');

    // When an export waits for a data steward, then erin's approver feed announces it live, her
    // inbox lists it, and she can read it and follow it.
    const feed = await openStream(`${cs.url}/v1/stream?approver=me`, KEYS.erin);
    assert.equal(feed.status, 200, JSON.stringify(feed.problem));
    const id = await pending(agent);
    await feed.waitFor((e) => e.event === 'request' && e.data.actionId === id, "bob's request on erin's feed", 30_000);
    await waitFor(async () => ((await inbox(erin)).includes(id) ? true : undefined), { what: "the action in erin's inbox", timeoutMs: 30_000 });
    assert.equal((await erin.get(`/v1/actions/${id}`)).status, 200);
    const followed = await openStream(`${cs.url}/v1/actions/${id}/stream`, KEYS.erin);
    assert.equal(followed.status, 200, JSON.stringify(followed.problem));

    // When erin approves (she is no data steward herself, so the vote is bob's), then it counts as bob's.
    const res = await erin.post(`/v1/actions/${id}/approve`, { comment: 'for bob, who is away' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'approved');
    assert.deepEqual(res.body.decision.by, ['bob']);
    assert.deepEqual(res.body.votes.map((v: Record<string, unknown>) => [v.voter, v.onBehalfOf, v.delegation]), [['erin', 'bob', d.id]]);
    assert.match(res.body.decision.reason, /erin for bob, under delegation/);
    await feed.waitFor((e) => e.event === 'decision' && e.data.actionId === id, "the decision on erin's feed", 30_000);
    await followed.waitFor((e) => e.event === 'ActionApproved', "the decision on erin's stream of the action", 30_000);
    feed.close();
    followed.close();

    // And the audit trail shows the vote on bob's behalf, and the delegation's own events.
    const rows = await waitFor(async () => {
      const items = (await carol.get(`/v1/audit?limit=1000&type=VoteRecorded`)).body.items.filter((e: { actionId: string }) => e.actionId === id);
      return items.length === 1 ? items : undefined;
    }, { what: 'the audit row of the vote', timeoutMs: 30_000 });
    assert.match(rows[0].summary, new RegExp(`^erin approved on behalf of bob \\(delegation ${d.id}\\)`));
    assert.deepEqual([rows[0].details.onBehalfOf, rows[0].details.castBy, rows[0].details.delegation], ['bob', 'erin', d.id]);
    const ledger = await waitFor(async () => {
      const items = (await carol.get('/v1/audit?limit=1000&type=DelegatedVoteRelayed')).body.items.filter((e: { details: { votedOn: string } }) => e.details.votedOn === id);
      return items.length === 1 ? items : undefined;
    }, { what: 'the audit row of the relay', timeoutMs: 30_000 });
    assert.equal(ledger[0].details.delegationId, d.id);
    await revoke(bob, d.id);
  });

  it('refuses delegations to oneself, to nobody known, by agents, and unbounded ones, naming the field; nothing is made', async () => {
    const before = (await bob.get('/v1/delegations')).body.items.length;
    const self = await bob.post('/v1/delegations', { delegate: 'bob', until: hours(1) });
    assert.equal(self.status, 422, self.text);
    assert.equal(self.body.type, `${PROBLEM}delegation-refused`);
    assert.equal(self.body.errors[0].pointer, '/delegate');
    const unknown = await bob.post('/v1/delegations', { delegate: 'mallory', until: hours(1) });
    assert.equal(unknown.status, 422, unknown.text);
    const long = await bob.post('/v1/delegations', { delegate: 'alice', until: hours(24 * 91) });
    assert.equal(long.status, 422, long.text);
    assert.equal(long.body.errors[0].pointer, '/until');
    const backwards = await bob.post('/v1/delegations', { delegate: 'alice', from: hours(2), until: hours(1) });
    assert.equal(backwards.status, 422, backwards.text);
    const malformed = await bob.post('/v1/delegations', { delegate: 'alice', until: 'tomorrow' });
    assert.equal(malformed.status, 400, malformed.text);
    const byAgent = await agent.post('/v1/delegations', { delegate: 'alice', until: hours(1) });
    assert.equal(byAgent.status, 403, byAgent.text);
    assert.equal((await bob.get('/v1/delegations')).body.items.length, before);
  });

  it('never lets a requester approve their own action through a delegation, as delegate or as delegator', async () => {
    // bob delegates to alice; alice proposes; alice voting for bob on her own action is self-approval.
    const toAlice = await delegate(bob, { delegate: 'alice', until: hours(1) });
    const own = await pending(alice);
    const res = await alice.post(`/v1/actions/${own}/approve`, { onBehalfOf: 'bob' });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.type, `${PROBLEM}self-approval`);
    // alice delegates to erin; alice's own action is not one alice may vote on, so erin cannot even see it.
    const toErin = await delegate(alice, { delegate: 'erin', until: hours(1) });
    const forAlice = await erin.post(`/v1/actions/${own}/approve`, { onBehalfOf: 'alice' });
    assert.equal(forAlice.status, 404, forAlice.text);
    assert.ok(!(await inbox(erin)).includes(own), "not in the delegate's inbox either");
    assert.equal((await alice.get(`/v1/actions/${own}`)).body.status, 'pending');
    await revoke(bob, toAlice.id);
    await revoke(alice, toErin.id);
  });

  it('refuses votes under a revoked or ended delegation: 403, and nothing is recorded', async () => {
    const d = await delegate(bob, { delegate: 'erin', until: hours(1) });
    await revoke(bob, d.id);
    const id = await pending(agent);
    const events = (await alice.get(`/v1/actions/${id}/events`)).body.events.length;
    const revoked = await erin.post(`/v1/actions/${id}/approve`, { onBehalfOf: 'bob' });
    assert.equal(revoked.status, 403, revoked.text);
    assert.equal(revoked.body.type, `${PROBLEM}no-active-delegation`);
    assert.equal(revoked.body.errors[0].pointer, '/onBehalfOf');
    assert.ok(!(await inbox(erin)).includes(id), 'no longer in the delegate\'s inbox');

    // A delegation of three seconds, once ended, is refused the same way.
    const short = await delegate(bob, { delegate: 'erin', until: new Date(Date.now() + 3000).toISOString() });
    await waitFor(async () => ((await erin.get(`/v1/delegations/${short.id}`)).body.status === 'expired' ? true : undefined), { what: 'the delegation ended', timeoutMs: 30_000 });
    const ended = await erin.post(`/v1/actions/${id}/deny`, { reason: 'too late', onBehalfOf: 'bob' });
    assert.equal(ended.status, 403, ended.text);
    assert.equal((await alice.get(`/v1/actions/${id}/events`)).body.events.length, events, 'nothing appended');
  });

  it('delegates, lists and revokes from the command line', async () => {
    const added = await cli(['delegations', 'add', 'erin', '--until', '2h', '--reason', 'dentist', '--json'], cs.url, KEYS.alice);
    assert.equal(added.code, 0, added.stderr);
    const made = JSON.parse(added.stdout);
    assert.deepEqual([made.delegator, made.delegate, made.status, made.reason], ['alice', 'erin', 'active', 'dentist']);
    await waitFor(async () => ((await alice.get(`/v1/delegations/${made.id}`)).status === 200 ? true : undefined), { what: 'the delegation projected', timeoutMs: 30_000 });
    const listed = await cli(['delegations', 'list', '--live'], cs.url, KEYS.erin);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${made.id} {2}alice → erin .* active {2}\\(dentist\\)`));
    const refused = await cli(['delegations', 'revoke', made.id], cs.url, KEYS.erin);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /403 not-allowed-to-revoke/);
    const revoked = await cli(['delegations', 'revoke', made.id], cs.url, KEYS.alice);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /^revoked: .* revoked/);
    const bad = await cli(['delegations', 'add', 'erin', '--until', 'someday'], cs.url, KEYS.alice);
    assert.equal(bad.code, 2);
  });

  it('counts a delegator once: their delegate cannot add a second vote for them, and only the delegator or an admin revokes', async () => {
    const d = await delegate(bob, { delegate: 'erin', until: hours(1) });
    // iam.escalate: two approvals, from data stewards or security; erin is eligible herself.
    const id = await pending(agent, 'iam.escalate', `prod/iam/${Math.random().toString(36).slice(2)}`);
    const first = await bob.post(`/v1/actions/${id}/approve`, {});
    assert.equal(first.status, 200, first.text);
    const twice = await erin.post(`/v1/actions/${id}/approve`, { onBehalfOf: 'bob' });
    assert.equal(twice.status, 409, twice.text);
    assert.equal(twice.body.type, `${PROBLEM}duplicate-vote`);
    const own = await erin.post(`/v1/actions/${id}/approve`, {});
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.status, 'approved');
    assert.deepEqual(own.body.decision.by, ['bob', 'erin']);

    const byDelegate = await erin.call('DELETE', `/v1/delegations/${d.id}`, {});
    assert.equal(byDelegate.status, 403, byDelegate.text);
    const byStranger = await alice.call('DELETE', `/v1/delegations/${d.id}`, {});
    assert.equal(byStranger.status, 404, byStranger.text);
    await revoke(bob, d.id);
  });
});
