import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { CookieJar, jarFetch } from '../support/sso-sign-in.ts';
import { until } from '../support/until.ts';

/**
 * Console sign-in with an API key, as the demo runs it (no identity provider, docs/sign-in.md
 * "Without an identity provider"): the demo's principals, a cookie jar in place of a browser.
 */
const PROBLEM = 'https://countersign.dev/problems/';
const SESSION = 'countersign-session';
/** What a browser's form post sends: a form, and a preference for HTML. */
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe(`console sign-in with an API key (${SHAPE})`, () => {
  let cs: RunningCountersign;
  /** The gateway as its public URL names it (http://localhost:<port>): cookies are per host name. */
  let base: string;

  before(async () => {
    cs = await startCountersign();
    base = cs.url.replace('127.0.0.1', 'localhost');
  });
  after(async () => {
    await cs?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  const post = (jar: CookieJar, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    jarFetch(jar, `${base}/auth/api-key`, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() });
  const me = async (jar: CookieJar) => {
    const res = await jarFetch(jar, `${base}/v1/me`);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('given no identity provider, then /auth/login shows the form: a labelled password field, returnTo hidden, no script, a strict CSP', async () => {
    const res = await fetch(`${base}/auth/login?returnTo=${encodeURIComponent('/console/actions/a-1?tab="x"')}`, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    assert.match(res.headers.get('content-security-policy')!, /default-src 'none'.*form-action 'self'/);
    const html = await res.text();
    assert.match(html, /<label for="apiKey">API key<\/label>/);
    assert.match(html, /name="apiKey" type="password"/);
    assert.match(html, /<input type="hidden" name="returnTo" value="\/console\/actions\/a-1\?tab=%22x%22">/);
    assert.match(html, /<button type="submit">Sign in<\/button>/);
    assert.ok(!/<script/i.test(html));
  });

  it("given bob's key, then a new session: 303 to returnTo, /v1/me says bob via session, and a vote with the CSRF token counts", async () => {
    const proposed = await client(base, KEYS.agent).propose({ action: 'data.export', resource: 'prod/customers', params: { rows: 10 } });
    assert.equal(proposed.status, 201, proposed.text);
    const id = proposed.body.id as string;
    const jar = new CookieJar();
    const res = await post(jar, { apiKey: KEYS.bob, returnTo: `/console/actions/${id}` }, { origin: base, 'sec-fetch-site': 'same-origin' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/console/actions/${id}`);
    assert.match(res.headers.getSetCookie()[0], /^countersign-session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const { status, body } = await me(jar);
    assert.equal(status, 200);
    assert.equal(body.principal.id, 'bob');
    assert.equal(body.via, 'session');
    assert.equal(body.identity, 'apikey:bob-1');
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);

    const vote = await jarFetch(jar, `${base}/v1/actions/${id}/approve`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': body.csrfToken, origin: base }, body: JSON.stringify({ comment: 'from the console' }),
    });
    assert.equal(vote.status, 200, await vote.clone().text());
    assert.equal((await vote.json() as any).status, 'approved');
    const events = async () => (await client(base, KEYS.carol).get(`/v1/actions/${id}/events`)).body.events as { type: string; data: { voter?: string; identity?: string } }[];
    await until(async () => (await events()).some((e) => e.type === 'VoteRecorded'), 'the vote in the read model');
    assert.deepEqual((await events()).filter((e) => e.type === 'VoteRecorded').map((e) => [e.data.voter, e.data.identity]), [['bob', 'apikey:bob-1']]);
  });

  it('given a wrong key, then the form again with an error, 401, no cookie, and the key nowhere in the page', async () => {
    const jar = new CookieJar();
    const res = await post(jar, { apiKey: 'not-a-key-<b>', returnTo: '/console' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.headers.getSetCookie(), []);
    const html = await res.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /name="apiKey" type="password"/);
    assert.ok(!html.includes('not-a-key'));
    assert.equal(cs.output().includes('not-a-key'), false, 'the key is not logged');
  });

  it("given an agent's key, then 403: agents use the API, not the console", async () => {
    const jar = new CookieJar();
    const res = await post(jar, { apiKey: KEYS.agent });
    assert.equal(res.status, 403);
    assert.deepEqual(res.headers.getSetCookie(), []);
    assert.match(await res.text(), /agents use the API, not the console/);
    const json = await fetch(`${base}/auth/api-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: KEYS.agent }) });
    assert.equal(json.status, 403);
    assert.match(json.headers.get('content-type')!, /^application\/problem\+json/);
    assert.equal((await json.json() as any).type, `${PROBLEM}agent-sign-in-refused`);
    const script = await fetch(`${base}/auth/api-key`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'apiKey=wrong' });
    assert.equal(script.status, 401, 'a caller not asking for HTML gets a problem');
    assert.equal((await script.json() as any).type, `${PROBLEM}unauthenticated`);
  });

  it('given a cross-origin post (login CSRF), then refused before the key is looked at, and no cookie', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const jar = new CookieJar();
      const res = await post(jar, { apiKey: KEYS.bob }, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal((await res.json() as any).type, `${PROBLEM}csrf-refused`);
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
  });

  it('session fixation: a cookie planted before sign-in is not the session after it, and is ended', async () => {
    const attacker = new CookieJar();
    await post(attacker, { apiKey: KEYS.alice });
    const planted = attacker.get(base, SESSION)!;
    assert.equal((await me(attacker)).body.principal.id, 'alice');
    const victim = new CookieJar();
    victim.set(base, SESSION, planted);
    const res = await post(victim, { apiKey: KEYS.bob });
    assert.equal(res.status, 303);
    assert.notEqual(victim.get(base, SESSION), planted);
    assert.equal((await me(victim)).body.principal.id, 'bob');
    assert.equal((await me(attacker)).status, 401, 'the planted session was ended');
  });

  it('given a returnTo outside /console, then the browser goes to /console instead', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example', '/v1/me', '/console/../v1/me', '/\\evil.example']) {
      const res = await post(new CookieJar(), { apiKey: KEYS.bob, returnTo });
      assert.equal(res.status, 303, returnTo);
      assert.equal(res.headers.get('location'), '/console', returnTo);
    }
  });

  it('JSON works too, and logout ends such a session like any other', async () => {
    const jar = new CookieJar();
    const res = await jarFetch(jar, `${base}/auth/api-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: KEYS.erin, returnTo: '/console/audit' }) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/console/audit');
    const { body } = await me(jar);
    assert.equal(body.principal.id, 'erin');
    assert.equal(body.signOutUrl, '/auth/logout');
    const out = await jarFetch(jar, `${base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': body.csrfToken, accept: 'application/json', origin: base } });
    assert.equal(out.status, 200);
    assert.deepEqual(await out.json(), { signedOut: true, redirectTo: '/console' });
    assert.equal((await me(jar)).status, 401);
  });
});
