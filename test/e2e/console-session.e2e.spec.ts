import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { browserUrl, launchBrowser, newUser, serveOtherOrigin, signIn } from '../support/browser.ts';
import { removeDir, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { CONSOLE_ENV, CONSOLE_USERS, SESSION_COOKIE } from '../support/console-env.ts';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.ts';

/** A request from the page itself, with the session cookie the browser holds (and no other credential). */
async function fetchFromPage(page: Page, path: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  return page.evaluate(async ([p, i]) => {
    const res = await fetch(p, { ...i, credentials: 'same-origin' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  }, [path, init] as const);
}

describe('console sessions in the browser: sign-in and sign-out, CSRF and session fixation refused', () => {
  let idp: RunningOidcProvider;
  let cs: RunningCountersign;
  let browser: Browser;
  let base: string;
  let agent: Client, alice: Client;

  before(async () => {
    idp = await startOidcProvider({ users: CONSOLE_USERS });
    // API-key sign-in on beside single sign-on (COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN), for its form's test below.
    cs = await startCountersign({ env: { ...CONSOLE_ENV, ...idp.env, COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: 'on' } });
    browser = await launchBrowser();
    base = browserUrl(cs.url);
    [agent, alice] = [client(cs.url, KEYS.agent), client(cs.url, KEYS.alice)];
  });
  after(async () => {
    await browser?.close();
    await cs?.stop();
    await idp?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  /** A production export awaiting the data stewards (alice, bob), and how many events it has. */
  async function pendingExport(resource: string) {
    const proposed = await agent.propose({ action: 'data.export', resource, params: { rows: 10 } });
    assert.equal(proposed.body.status, 'pending', proposed.text);
    return proposed.body.id as string;
  }
  const eventTypes = async (id: string) => ((await alice.get(`/v1/actions/${id}/events`)).body.events as Array<{ type: string }>).map((e) => e.type);

  it('signs in through the OpenID provider into an HTTP-only, SameSite=Lax session cookie', async () => {
    const bob = await newUser(browser);
    await signIn(bob.page, base, 'bob@example.com');
    const me = await fetchFromPage(bob.page, '/v1/me', { method: 'GET' });
    assert.equal(me.status, 200, me.body);
    const body = JSON.parse(me.body);
    assert.equal(body.principal.id, 'bob');
    assert.equal(body.via, 'session');
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{20,}$/);
    const cookie = (await bob.context.cookies(base)).find((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie, 'a session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    // A script of the page cannot read it.
    assert.equal(await bob.page.evaluate('document.cookie.includes("countersign-session")'), false);
    await bob.context.close();
  });

  it('signs out with the Sign out button: the session is over on the server, not just forgotten by the browser', async () => {
    const alice = await newUser(browser);
    await signIn(alice.page, base, 'alice@example.com');
    await alice.page.getByTestId('signed-in-as').filter({ hasText: '(alice)' }).waitFor();
    const session = (await alice.context.cookies(base)).find((c) => c.name === SESSION_COOKIE)!;
    // The gateway hands over to the IdP's sign-out (its end_session_endpoint): the browser's request
    // to it is awaited, not the address afterwards (the IdP's page may send it straight back to
    // /console, and a wait on the address raced that).
    const toIdp = alice.page.waitForRequest((r) => r.url().startsWith(`${idp.issuer}/`) && r.url().includes('post_logout_redirect_uri='));
    await alice.page.getByRole('button', { name: 'Sign out' }).click();
    await toIdp;
    await waitFor(async () => ((await alice.context.cookies(base)).some((c) => c.name === SESSION_COOKIE) ? undefined : true), { what: 'the session cookie cleared' });
    // A copy of the cookie taken before is worth nothing now.
    assert.equal((await fetch(`${cs.url}/v1/me`, { headers: { cookie: `${SESSION_COOKIE}=${session.value}` } })).status, 401);
    await alice.context.close();
  });

  it("refuses the page's own state-changing fetch without the CSRF token, and records nothing", async () => {
    const id = await pendingExport('prod/csrf-fetch');
    const before = await eventTypes(id);
    const bob = await newUser(browser);
    await signIn(bob.page, base, 'bob@example.com');
    const json = { 'content-type': 'application/json' };

    const bare = await fetchFromPage(bob.page, `/v1/actions/${id}/approve`, { method: 'POST', headers: json, body: '{"comment":"no token"}' });
    assert.equal(bare.status, 403, bare.body);
    assert.match(bare.type, /application\/problem\+json/);
    assert.match(JSON.parse(bare.body).type, /csrf-refused$/);
    const wrong = await fetchFromPage(bob.page, `/v1/actions/${id}/approve`, { method: 'POST', headers: { ...json, 'x-csrf-token': 'A'.repeat(43) }, body: '{}' });
    assert.equal(wrong.status, 403, wrong.body);
    assert.match(JSON.parse(wrong.body).type, /csrf-refused$/);
    assert.deepEqual(await eventTypes(id), before);

    // With the session's token the same request is a vote: the only one the action's stream holds.
    const { csrfToken } = JSON.parse((await fetchFromPage(bob.page, '/v1/me', { method: 'GET' })).body);
    const voted = await fetchFromPage(bob.page, `/v1/actions/${id}/approve`, { method: 'POST', headers: { ...json, 'x-csrf-token': csrfToken }, body: '{"comment":"with the token"}' });
    assert.equal(voted.status, 200, voted.body);
    const events = (await alice.get(`/v1/actions/${id}/events`)).body.events as Array<{ type: string; data: Record<string, unknown> }>;
    const votes = events.filter((e) => e.type === 'VoteRecorded');
    assert.equal(votes.length, 1);
    assert.equal(votes[0].data.comment, 'with the token');
    await bob.context.close();
  });

  it('refuses a form posted from another origin, on the same site (the cookie goes along) or another, and records nothing', async () => {
    const id = await pendingExport('prod/csrf-form');
    const before = await eventTypes(id);
    const target = `${base}/v1/actions/${id}/approve`;
    // The classic JSON-in-a-text/plain-form trick: the body reads as {"comment":"forged","x":"="}.
    const html = `<!doctype html><title>Win a prize</title><form method="post" action="${target}" enctype="text/plain">
<input type="hidden" name='{"comment":"forged","x":"' value='"}'><button type="submit">Claim</button></form>`;
    const bob = await newUser(browser);
    await signIn(bob.page, base, 'bob@example.com');
    for (const [host, expected] of [['localhost', 403], ['127.0.0.1', 401]] as const) {
      const evil = await serveOtherOrigin(html, host);
      try {
        await bob.page.goto(evil.url);
        const [answer] = await Promise.all([
          bob.page.waitForResponse((r) => r.url() === target),
          bob.page.getByRole('button', { name: 'Claim' }).click(),
        ]);
        // Same site: the cookie went along and the Origin check refused it. Another site: SameSite=Lax kept the cookie home.
        assert.equal(answer.status(), expected, `from ${evil.url}: ${await answer.text()}`);
        if (expected === 403) assert.match(JSON.parse(await answer.text()).type, /csrf-refused$/);
      } finally {
        await evil.close();
      }
    }
    assert.deepEqual(await eventTypes(id), before);
    assert.equal((await alice.get(`/v1/actions/${id}`)).body.status, 'pending');
    await bob.context.close();
  });

  it('never keeps a session cookie planted before sign-in: a new session, and the planted one stays whose it was', async () => {
    // The attacker signs in as herself and plants her own session cookie in the victim's browser.
    const erin = await newUser(browser);
    await signIn(erin.page, base, 'erin@example.com');
    const planted = (await erin.context.cookies(base)).find((c) => c.name === SESSION_COOKIE)!;
    const victim = await newUser(browser);
    await victim.context.addCookies([{ name: SESSION_COOKIE, value: planted.value, url: base, httpOnly: true, sameSite: 'Lax' }]);

    await signIn(victim.page, base, 'bob@example.com');
    const sessions = (await victim.context.cookies(base)).filter((c) => c.name === SESSION_COOKIE);
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0].value, planted.value);
    const me = JSON.parse((await fetchFromPage(victim.page, '/v1/me', { method: 'GET' })).body);
    assert.equal(me.principal.id, 'bob');
    // The planted session was not upgraded to bob: it is still erin's, or over.
    const plantedMe = await fetch(`${cs.url}/v1/me`, { headers: { cookie: `${SESSION_COOKIE}=${planted.value}` } });
    if (plantedMe.status === 200) assert.equal(((await plantedMe.json()) as any).principal.id, 'erin');
    else assert.equal(plantedMe.status, 401);
    await Promise.all([erin.context.close(), victim.context.close()]);
  });

  it('never adopts a made-up session cookie: sign-in replaces it, and it never authenticated', async () => {
    const made = 'B'.repeat(43);
    const victim = await newUser(browser);
    await victim.context.addCookies([{ name: SESSION_COOKIE, value: made, url: base, httpOnly: true, sameSite: 'Lax' }]);
    await signIn(victim.page, base, 'alice@example.com');
    const session = (await victim.context.cookies(base)).find((c) => c.name === SESSION_COOKIE)!;
    assert.notEqual(session.value, made);
    assert.equal((await fetch(`${cs.url}/v1/me`, { headers: { cookie: `${SESSION_COOKIE}=${made}` } })).status, 401);
    await victim.context.close();
  });

  it("signs in with a person's API key through the form (no script, nothing refused by its CSP) and back to the page asked for", async () => {
    const bob = await newUser(browser);
    await bob.page.goto(`${base}/auth/api-key?returnTo=${encodeURIComponent('/console/audit')}`);
    await bob.page.getByLabel('API key').fill(KEYS.bob);
    await bob.page.getByRole('button', { name: 'Sign in' }).click();
    await bob.page.waitForURL(`${base}/console/audit`);
    await bob.page.getByTestId('signed-in-as').filter({ hasText: '(bob)' }).waitFor();
    const body = JSON.parse((await fetchFromPage(bob.page, '/v1/me', { method: 'GET' })).body);
    assert.deepEqual([body.via, body.identity], ['session', 'apikey:bob-1']);
    assert.deepEqual(bob.errors, []);
    await bob.context.close();
  });
});
