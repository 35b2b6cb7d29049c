import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { startFakeTeams, type FakeTeams } from '../support/fake-teams.ts';

const CONVERSATION = '19:approvals@thread.tacv2';
const USERS = { alice: 'aad-alice-0001', bob: 'aad-bob-0002', erin: 'aad-erin-0003', stranger: 'aad-stranger-9999' };

const CARD_WAIT_MS = 10_000;

describe(`Teams approvals through the Bot Framework endpoint (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let teams: FakeTeams;
  let agent: Client, alice: Client, carol: Client;

  before(async () => {
    teams = await startFakeTeams();
    cs = await startCountersign({
      env: {
        COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/teams-principals'),
        COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/teams-policies'),
        ...teams.env(),
      },
    });
    [agent, alice, carol] = [KEYS.agent, KEYS.alice, KEYS.carol].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs?.stop();
    if (cs) await removeDir(cs.dataDir);
    await teams?.close();
  });

  const propose = async (as: Client = agent) => {
    const res = await as.propose({ action: 'data.export', resource: 'prod/customers', params: { table: 'customers' }, justification: 'quarterly report' });
    assert.equal(res.body.status, 'pending', res.text);
    return res.body.id as string;
  };
  const view = async (id: string) => (await carol.get(`/v1/actions/${id}`)).body;
  const cardsFor = (id: string, method: string) =>
    teams.connectorCalls().filter((c) => c.method === method && JSON.stringify(c.body ?? {}).includes(id));

  it('a request produces an Adaptive Card in the rule\'s Teams conversation', async () => {
    const id = await propose();
    const post = await waitFor(() => cardsFor(id, 'POST')[0], { what: `the card of ${id}`, timeoutMs: CARD_WAIT_MS });
    assert.ok(post, 'a card was posted');
    assert.equal(post.path, `/teams/v3/conversations/${CONVERSATION}/activities`);
    assert.equal(post.authorized, true);
    const card = post.body.attachments[0].content;
    assert.equal(card.type, 'AdaptiveCard');
    for (const shown of ['data.export', 'prod/customers', 'demo-agent', 'quarterly report']) assert.ok(JSON.stringify(card).includes(shown), shown);
    assert.deepEqual(card.actions[0].data, { actionId: id, paramsHash: (await view(id)).paramsHash });
  });

  it('a signed Approve click from a linked steward approves, answers with the outcome card, and the card is refreshed', async (t) => {
    const id = await propose();
    // Let the request card arrive first, so there is a card to refresh.
    const posted = await waitFor(() => cardsFor(id, 'POST')[0], { what: `the card of ${id}`, timeoutMs: CARD_WAIT_MS });
    assert.ok(posted?.activityId, 'a card was posted');
    const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(res.body.value), /Approved: data\.export/);
    const after = await view(id);
    assert.equal(after.status, 'approved');
    assert.deepEqual(after.votes.map((v: any) => [v.voter, v.decision, v.via]), [['bob', 'approve', 'teams']]);
    await t.test('the posted card is updated in place after the decision', async () => {
      const put = await waitFor(() => teams.connectorCalls().find((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${posted!.activityId}`)), { what: 'the update of the card', timeoutMs: CARD_WAIT_MS });
      assert.ok(put, 'the card was updated');
      assert.equal(put.authorized, true);
      assert.match(JSON.stringify(put.body), /Approved/);
      assert.equal(put.body.attachments[0].content.actions, undefined);
    });
  });

  it('a step-up rule\'s card has no Approve that votes; a crafted Approve click is refused, pointing at the console, and casts nothing', async () => {
    const res = await agent.propose({ action: 'deploy.prod', resource: 'prod/api', params: { version: '1.2.3' } });
    assert.equal(res.body.status, 'pending', res.text);
    const id = res.body.id as string;
    const post = await waitFor(() => cardsFor(id, 'POST')[0], { what: `the card of ${id}`, timeoutMs: CARD_WAIT_MS });
    const card = post!.body.attachments[0].content;
    assert.equal(card.actions.some((a: any) => a.type === 'Action.Execute'), false, 'no action that votes at the top level');
    assert.match(JSON.stringify(card), /passkey step-up/);
    const crafted = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob });
    assert.equal(crafted.status, 200, JSON.stringify(crafted.body));
    assert.match(JSON.stringify(crafted.body), new RegExp(`requires a passkey step-up.*/console/actions/${id}`));
    assert.deepEqual((await view(id)).votes, []);
  });

  it('a Deny click with a reason denies; without one nothing is cast', async () => {
    const id = await propose();
    const bare = await teams.invoke(cs.url, { verb: 'countersign.deny', actionId: id, aadObjectId: USERS.bob, reason: '   ' });
    assert.equal(bare.body.type, 'application/vnd.microsoft.activity.message');
    assert.match(bare.body.value, /reason is required/);
    assert.equal((await view(id)).votes.length, 0);
    const res = await teams.invoke(cs.url, { verb: 'countersign.deny', actionId: id, aadObjectId: USERS.bob, reason: 'not this quarter' });
    assert.match(JSON.stringify(res.body.value), /Denied: data\.export/);
    const after = await view(id);
    assert.equal(after.status, 'denied');
    assert.equal(after.votes[0].comment, 'not this quarter');
  });

  for (const [name, mint] of [
    ['a forged signature', (t: FakeTeams) => t.mintToken({ forged: true })],
    ['the wrong audience', (t: FakeTeams) => t.mintToken({ audience: 'some-other-bot' })],
    ['an expired token', (t: FakeTeams) => t.mintToken({ expiresIn: -3600 })],
    ['the wrong issuer', (t: FakeTeams) => t.mintToken({ issuer: 'https://evil.example' })],
    ['a token for another service URL', (t: FakeTeams) => t.mintToken({ serviceUrl: 'https://evil.example/teams/' })],
  ] as const) {
    it(`${name} is refused with 401 and casts no vote`, async () => {
      const id = await propose();
      const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob, token: await mint(teams) });
      assert.equal(res.status, 401);
      assert.equal((await view(id)).votes.length, 0);
    });
  }

  it('a request without a token is refused with 401', async () => {
    const id = await propose();
    const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob, noAuth: true });
    assert.equal(res.status, 401);
    assert.equal((await view(id)).votes.length, 0);
  });

  for (const [name, who, proposer, expected] of [
    ['an unlinked Teams user', USERS.stranger, undefined, /not linked/],
    ['an ineligible user', USERS.erin, undefined, /not an eligible approver/],
    ['the requester approving their own action', USERS.alice, 'alice', /cannot approve or deny your own action/],
  ] as const) {
    it(`${name} is told why, and no vote is cast`, async () => {
      const id = await propose(proposer === 'alice' ? alice : agent);
      const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: who });
      assert.equal(res.status, 200);
      assert.equal(res.body.type, 'application/vnd.microsoft.activity.message');
      assert.match(res.body.value, expected);
      const after = await view(id);
      assert.equal(after.status, 'pending');
      assert.equal(after.votes.length, 0);
    });
  }

  it('a delegate\'s click counts for the delegator, recorded as on their behalf', async () => {
    // Given bob, a data steward, delegates to erin (security, not an approver of exports).
    const bob = client(cs.url, KEYS.bob);
    const made = await bob.post('/v1/delegations', { delegate: 'erin', until: new Date(Date.now() + 3_600_000).toISOString() });
    assert.equal(made.status, 201, made.text);
    const delegation = made.body.id as string;
    await waitFor(async () => ((await bob.get(`/v1/delegations/${delegation}`)).status === 200 ? true : undefined), { what: 'the delegation projected' });
    try {
      // When erin clicks Approve, then the vote is bob's, cast by erin through Teams.
      const id = await propose();
      const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.erin });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const after = await waitFor(async () => ((await view(id)).status === 'approved' ? view(id) : undefined), { what: `the approval of ${id}` });
      assert.deepEqual(after.votes.map((v: any) => [v.voter, v.onBehalfOf, v.via]), [['erin', 'bob', 'teams']]);
    } finally {
      const revoked = await bob.call('DELETE', `/v1/delegations/${delegation}`, {});
      assert.equal(revoked.status, 200, revoked.text);
      await waitFor(async () => ((await bob.get(`/v1/delegations/${delegation}`)).body.status === 'revoked' ? true : undefined), { what: 'the revocation projected' });
    }
  });

  it('a replayed activity casts no second vote', async () => {
    const id = await propose();
    const first = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob, activityId: 'f:replayed-1' });
    assert.equal(first.status, 200);
    const replay = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, aadObjectId: USERS.bob, activityId: 'f:replayed-1' });
    assert.equal(replay.status, 200);
    const after = await view(id);
    assert.equal(after.votes.length, 1);
    // `/events` is a read model: wait for the projector to hold the decision (answers come from the log).
    const events = await waitFor(async () => {
      const body = (await carol.get(`/v1/actions/${id}/events`)).body;
      return body.events?.some((e: { type: string }) => e.type === 'ActionApproved') ? body : undefined;
    }, { what: `the projected decision on ${id}` });
    const types: string[] = events.events.map((e: { type: string }) => e.type);
    assert.equal(types.filter((t) => t === 'VoteRecorded').length, 1);
    assert.ok(!types.includes('CommandRejected'), 'the replay was not even processed as a new command');
    assert.match(JSON.stringify(replay.body.value), /Approved: data\.export/, 'the replay is answered with the same outcome');
  });

  it('a card carrying the proposal\'s params hash votes; a malformed hash is refused and casts nothing', async () => {
    const id = await propose();
    const { paramsHash } = await view(id);
    const malformed = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, paramsHash: 'not-a-hash', aadObjectId: USERS.bob });
    assert.equal(malformed.status, 200);
    assert.deepEqual(malformed.body, { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'value.action.data.paramsHash: must be 64 lowercase hex digits' } });
    assert.equal((await view(id)).votes.length, 0);
    const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: id, paramsHash, aadObjectId: USERS.bob });
    assert.match(JSON.stringify(res.body.value), /Approved: data\.export/);
  });

  it('a Deny reason with a lone surrogate is refused in Teams\' own terms, and the router is not wedged', async () => {
    const id = await propose();
    const bad = await teams.invoke(cs.url, { verb: 'countersign.deny', actionId: id, aadObjectId: USERS.bob, reason: 'no \ud800' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.statusCode, 400);
    assert.match(bad.body.value.message, /^The reason has a string that is not well-formed Unicode/);
    assert.equal((await view(id)).votes.length, 0);
    const res = await teams.invoke(cs.url, { verb: 'countersign.deny', actionId: id, aadObjectId: USERS.bob, reason: 'no' });
    assert.match(JSON.stringify(res.body.value), /Denied: data\.export/);
  });

  it('checks the token before reading the body; a malformed body with a good token is a 4xx problem, never a 5xx', async () => {
    const forged = await teams.mintToken({ forged: true });
    for (const body of ['{"a":', '{"type":"invoke","type":"message"}', 'x'.repeat(100_000)]) {
      assert.equal((await teams.post(cs.url, body, { token: forged })).status, 401, 'refused before the body is looked at');
    }
    const cases: [string | Buffer, string | null, number, RegExp][] = [
      ['{"a":', 'application/json', 400, /not valid JSON/],
      ['{"type":"invoke","type":"message"}', 'application/json', 400, /\/type: is a duplicate key/],
      [`{"a":${'['.repeat(100)}${']'.repeat(100)}}`, 'application/json', 400, /nested more than 32 levels/],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', 400, /not valid UTF-8/],
      ['{}', 'text/plain', 415, /Content-Type/],
      ['{}', 'application/json; charset=iso-8859-1', 415, /Content-Type/],
      [JSON.stringify({ pad: 'x'.repeat(70_000) }), 'application/json', 413, /At most 65536 bytes/],
    ];
    for (const [body, contentType, status, detail] of cases) {
      const res = await teams.post(cs.url, body, { contentType });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.contentType, /^application\/problem\+json/);
      assert.match(JSON.stringify(res.body), detail);
    }
  });

  it('acknowledges activities that are not card actions', async () => {
    const token = await teams.mintToken();
    const res = await fetch(`${cs.url}/v1/integrations/teams/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'conversationUpdate', id: 'x', serviceUrl: teams.serviceUrl }),
    });
    assert.equal(res.status, 200);
  });
});
