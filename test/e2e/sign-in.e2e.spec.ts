import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { client, KEYS } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.ts';
import { openStream } from '../support/sse-client.ts';
import { CookieJar, follow, jarFetch, signInOverHttp } from '../support/sso-sign-in.ts';
import { until } from '../support/until.ts';

/**
 * Console sign-in over real HTTP, in both shapes: the gateway against a real OpenID provider
 * (test/support/oidc-provider.ts), a cookie jar in place of a browser. Who is who is in
 * test/fixtures/sso-principals; the IdP's users below say what the IdP says about them.
 */
const USERS = [
  { sub: 'alice-sub', email: 'alice@example.com', email_verified: true, name: 'Alice Ng', groups: ['cs-data-stewards', 'cs-security', 'Everyone'] },
  { sub: 'bob-idp-id', email: 'bob@example.com', email_verified: true, groups: ['cs-data-stewards'] },
  { sub: 'erin-sub', groups: ['Everyone'] },
  { sub: 'mallory-sub', email: 'mallory@example.com', email_verified: true, groups: ['cs-data-stewards'] },
  { sub: 'agent-sub', groups: [] },
  { sub: 'dana-sub', groups: ['cs-data-stewards'] },
];
const PROBLEM = 'https://countersign.dev/problems/';
const SESSION = 'countersign-session';

describe(`console sign-in (${SHAPE})`, () => {
  let idp: RunningOidcProvider;
  let cs: RunningCountersign;
  /** The gateway as its public URL names it (http://localhost:<port>): cookies are per host name. */
  let base: string;

  before(async () => {
    idp = await startOidcProvider({ users: USERS });
    cs = await startCountersign({
      env: { COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/sso-principals'), COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/policies'), ...idp.env },
    });
    base = cs.url.replace('127.0.0.1', 'localhost');
  });
  after(async () => {
    await cs?.stop();
    await idp?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  /** GET /v1/me with the jar's cookies. */
  const me = async (jar: CookieJar) => {
    const res = await jarFetch(jar, `${base}/v1/me`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const signedIn = async (login: string, returnTo?: string) => {
    const jar = new CookieJar();
    const result = await signInOverHttp(base, login, jar, returnTo);
    return { jar, result };
  };

  it('given a user linked by OpenID subject, when signing in, then the browser is back at returnTo with a session, and /v1/me says who', async () => {
    const { jar, result } = await signedIn('alice-sub', '/console/actions/a-1?tab=events');
    assert.equal(result.url, `${base}/console/actions/a-1?tab=events`);
    assert.ok(jar.get(base, SESSION), 'a session cookie');
    assert.equal(jar.get(`${base}/auth/callback`, 'countersign-login'), undefined, 'the login cookie is cleared');
    const { status, body } = await me(jar);
    assert.equal(status, 200);
    assert.deepEqual(body.principal, { id: 'alice', name: 'Alice Ng', kind: 'human', groups: ['data-stewards'], roles: [] });
    assert.equal(body.via, 'session');
    assert.equal(body.identity, 'oidc:alice-sub');
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.signOutUrl, '/auth/logout');
    assert.deepEqual(body.unsyncedGroups, ['security'], 'the IdP grants security, the directory does not: reported, never granted');
  });

  it('given a user with no linked identity, then the verified email finds the principal', async () => {
    const { jar } = await signedIn('bob@example.com');
    assert.equal((await me(jar)).body.principal.id, 'bob');
  });

  it('API keys work as before, beside sessions: /v1/me says apikey and carries no CSRF token', async () => {
    const res = await client(base, KEYS.carol).get('/v1/me');
    assert.equal(res.status, 200);
    assert.equal(res.body.via, 'apikey');
    assert.equal(res.body.csrfToken, undefined);
  });

  it('given a pending action, a session vote needs the CSRF token and the gateway origin; refused ones append nothing', async () => {
    const agent = client(base, KEYS.agent);
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/customers', params: { rows: 10 } });
    assert.equal(proposed.status, 201, proposed.text);
    const id = proposed.body.id as string;
    const { jar } = await signedIn('alice-sub');
    const { csrfToken } = (await me(jar)).body;
    const approve = (headers: Record<string, string>) => jarFetch(jar, `${base}/v1/actions/${id}/approve`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ comment: 'from the console' }),
    });

    const without = await approve({});
    assert.equal(without.status, 403);
    const problem = await without.json() as any;
    assert.equal(problem.type, `${PROBLEM}csrf-refused`);
    assert.equal(problem.errors[0].header, 'X-CSRF-Token');
    const wrong = await approve({ 'x-csrf-token': 'A'.repeat(43) });
    assert.equal(wrong.status, 403);
    const foreign = await approve({ 'x-csrf-token': csrfToken, origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal((await foreign.json() as any).errors[0].header, 'Origin');
    const view = await client(base, KEYS.carol).get(`/v1/actions/${id}`);
    assert.equal(view.body.status, 'pending');
    assert.deepEqual(view.body.votes ?? [], [], 'no refused request voted');

    const ok = await approve({ 'x-csrf-token': csrfToken, origin: base });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal((await ok.json() as any).status, 'approved');
    const events = async () => (await client(base, KEYS.carol).get(`/v1/actions/${id}/events`)).body.events as { type: string; data: { voter?: string; identity?: string } }[];
    await until(async () => (await events()).some((e) => e.type === 'VoteRecorded'), 'the vote in the read model');
    const votes = (await events()).filter((e) => e.type === 'VoteRecorded');
    assert.deepEqual(votes.map((e) => [e.data.voter, e.data.identity]), [['alice', 'oidc:alice-sub']], 'one vote, under the session identity');
  });

  it('Server-Sent Events (GET) work with the session cookie alone', async () => {
    const { jar } = await signedIn('alice-sub');
    const stream = await openStream(`${base}/v1/stream?approver=me`, undefined, { cookie: jar.header(base)! });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    } finally {
      stream.close();
    }
  });

  it('session fixation: a cookie planted before sign-in is never the session after it, and a planted live session is ended', async () => {
    const attacker = (await signedIn('bob@example.com')).jar;
    const planted = attacker.get(base, SESSION)!;
    const victim = new CookieJar();
    victim.set(base, SESSION, planted);
    await signInOverHttp(base, 'alice-sub', victim);
    const fresh = victim.get(base, SESSION)!;
    assert.notEqual(fresh, planted);
    assert.equal((await me(victim)).body.principal.id, 'alice');
    assert.equal((await me(attacker)).status, 401, 'the session presented at sign-in was ended');

    const forged = new CookieJar();
    forged.set(base, SESSION, 'A'.repeat(43));
    await signInOverHttp(base, 'alice-sub', forged);
    assert.notEqual(forged.get(base, SESSION), 'A'.repeat(43));
  });

  it('the login transaction completes once: a replayed callback is refused', async () => {
    const jar = new CookieJar();
    // Up to the IdP's redirect back, without following it.
    let hop = await follow(jar, `${base}/auth/login`);
    const form = await hop.res.text();
    const action = /action="([^"]+)"/.exec(form)![1];
    let res = await jarFetch(jar, new URL(action, hop.url).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=alice-sub' });
    let at = new URL(action, hop.url).href;
    while (!res.headers.get('location')!.startsWith(`${base}/auth/callback`)) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await jarFetch(jar, at);
    }
    const callback = res.headers.get('location')!;
    const loginCookie = jar.get(callback, 'countersign-login')!;
    hop = await follow(jar, callback);
    assert.equal(hop.url, `${base}/console`);
    const replay = new CookieJar();
    replay.set(base, 'countersign-login', loginCookie, '/auth');
    const again = await jarFetch(replay, callback);
    assert.equal(again.status, 400);
    assert.match(await again.text(), /expired or was used already/);
    assert.equal(replay.get(base, SESSION), undefined);
  });

  it('logout needs the CSRF token, ends the session server-side, clears the cookie and points at the IdP end-session endpoint', async () => {
    const { jar } = await signedIn('alice-sub');
    const old = jar.header(base)!;
    const { csrfToken } = (await me(jar)).body;
    const refused = await jarFetch(jar, `${base}/auth/logout`, { method: 'POST' });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json() as any).type, `${PROBLEM}csrf-refused`);

    const out = await jarFetch(jar, `${base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken, accept: 'application/json', origin: base } });
    assert.equal(out.status, 200);
    const body = await out.json() as any;
    assert.ok(body.redirectTo.startsWith(`${idp.issuer}/session/end`), body.redirectTo);
    assert.equal(jar.get(base, SESSION), undefined, 'the cookie is cleared');
    const stale = await fetch(`${base}/v1/me`, { headers: { cookie: old } });
    assert.equal(stale.status, 401);
    assert.match((await stale.json() as any).detail, /session has ended/);

    const { jar: second } = await signedIn('alice-sub');
    const token = (await me(second)).body.csrfToken;
    const navigated = await jarFetch(second, `${base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': token } });
    assert.equal(navigated.status, 303);
    assert.ok(navigated.headers.get('location')!.startsWith(`${idp.issuer}/session/end`));
  });

  for (const [who, login, status, says] of [
    ['a user the directory does not know', 'mallory-sub', 403, /not set up in Countersign[\s\S]*Ask a Countersign administrator/],
    ['a user whose IdP no longer grants an IdP-governed group the directory gives', 'erin-sub', 403, /group membership has changed[\s\S]*data-stewards/],
    ['an agent', 'agent-sub', 403, /Agents cannot sign in/],
  ] as const) {
    it(`refuses ${who}, with a page saying why and no session`, async () => {
      const { jar, result } = await signedIn(login);
      assert.equal(result.status, status);
      assert.match(result.body, says);
      assert.equal(jar.get(base, SESSION), undefined);
    });
  }

  it('given a group revoked at the IdP after a sign-in, then the next sign-in is refused; the open session lasts until it expires', async () => {
    const { jar: before } = await signedIn('dana-sub');
    assert.equal((await me(before)).body.principal.id, 'dana');
    idp.setUser({ sub: 'dana-sub', groups: [] });
    const { jar, result } = await signedIn('dana-sub');
    assert.equal(result.status, 403);
    assert.match(result.body, /no longer gives you the group\(s\) behind data-stewards/);
    assert.equal(jar.get(base, SESSION), undefined);
    assert.equal((await me(before)).status, 200, 'the check is at sign-in (docs/sign-in.md)');
  });

  it('returnTo cannot send the browser anywhere but the console (no open redirect)', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/console', '/\\evil.example', '/console/../v1/me', '/v1/me']) {
      const { result } = await signedIn('alice-sub', returnTo);
      assert.equal(result.url, `${base}/console`, returnTo);
    }
  });

  it('property: hostile requests to the sign-in endpoints get a redirect home or to the IdP, a problem, or a refusal page; never a 5xx or a session', async () => {
    const junk = fc.string({ unit: 'binary', maxLength: 40 }).map((v) => encodeURIComponent(v.toWellFormed()));
    const query = fc.array(fc.tuple(fc.constantFrom('returnTo', 'code', 'state', 'iss', 'error', 'error_description', 'x'), fc.oneof(junk, fc.constantFrom('//evil.example', '/console', 'access_denied', '%ZZ'))), { maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    const cookie = fc.oneof(fc.constant(undefined), fc.constantFrom(`${SESSION}=${'A'.repeat(43)}`, `countersign-login=${'B'.repeat(43)}`, `${SESSION}=x; ${SESSION}=y`), fc.string({ maxLength: 80 }).filter((c) => /^[\x20-\x7e]*$/.test(c)));
    const request = fc.record({
      target: fc.constantFrom<[string, string]>(['GET', '/auth/login'], ['GET', '/auth/callback'], ['POST', '/auth/logout'], ['GET', '/v1/me'], ['POST', '/auth/login']),
      query, cookie,
      csrf: fc.option(fc.constantFrom('A'.repeat(43), ''), { nil: undefined }),
      origin: fc.option(fc.constantFrom('https://evil.example', 'null'), { nil: undefined }),
    });
    await fc.assert(fc.asyncProperty(request, async ({ target: [method, path], query: q, cookie: c, csrf, origin }) => {
      const headers: Record<string, string> = { ...(c !== undefined ? { cookie: c } : {}), ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}), ...(origin ? { origin } : {}) };
      const res = await fetch(`${base}${path}${q ? `?${q}` : ''}`, { method, headers, redirect: 'manual' });
      const type = res.headers.get('content-type') ?? '';
      const where = `${method} ${path}?${q} ${JSON.stringify(headers)} → ${res.status} ${type}`;
      assert.ok(res.status < 500, where);
      assert.ok(!res.headers.getSetCookie().some((h) => h.startsWith(`${SESSION}=`) && !/Max-Age=0/.test(h)), `no session is made: ${where}`);
      if (res.status >= 300 && res.status < 400) {
        const location = new URL(res.headers.get('location')!, base);
        assert.ok(location.origin === new URL(base).origin ? location.pathname.startsWith('/console') : location.href.startsWith(`${idp.issuer}/`), `${where} → ${location.href}`);
      } else if (res.status >= 400) {
        assert.match(type, path === '/auth/callback' ? /^(text\/html|application\/problem\+json)/ : /^application\/problem\+json/, where);
      }
      await res.body?.cancel();
    }), { numRuns: 150 });
  });

  it('refuses unknown query parameters on /auth/login with a problem naming them', async () => {
    const res = await fetch(`${base}/auth/login?next=/console`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal((await res.json() as any).type, `${PROBLEM}invalid-request`);
  });
});

describe(`console sign-in configuration (${SHAPE})`, () => {
  it('a gateway with a mistaken sign-in variable stops at start naming it', async () => {
    const cs = await startCountersign({ expectExit: true, env: { COUNTERSIGN_OIDC_ISSUER: 'http://idp.example.com', COUNTERSIGN_SESSION_TTL: '3d' } });
    try {
      assert.notEqual(await cs.exitCode, 0);
      assert.match(cs.output(), /COUNTERSIGN_OIDC_ISSUER: must be an https:\/\/ URL/);
      assert.match(cs.output(), /COUNTERSIGN_OIDC_CLIENT_ID: required/);
      assert.match(cs.output(), /COUNTERSIGN_SESSION_TTL: must be a duration/);
    } finally {
      await removeDir(cs.dataDir);
    }
  });
});
