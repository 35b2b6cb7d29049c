import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { addVirtualAuthenticator, browserUrl, launchBrowser, newUser, signIn, type BrowserUser, type VirtualAuthenticator } from '../support/browser.ts';
import { CONSOLE_ENV, CONSOLE_USERS } from '../support/console-env.ts';
import { removeDir, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.ts';
import { until } from '../support/until.ts';

/** base64 (CDP's credential ids) as base64url (WebAuthn's JSON, and the recorded vote). */
const base64url = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('console step-up in the browser: a passkey registered and used to approve a step-up rule', () => {
  let idp: RunningOidcProvider;
  let cs: RunningCountersign;
  let browser: Browser;
  let base: string;
  let agent: Client, alice: Client, bobApi: Client;
  let bob: BrowserUser;
  let authenticator: VirtualAuthenticator;

  before(async () => {
    idp = await startOidcProvider({ users: CONSOLE_USERS });
    cs = await startCountersign({ env: { ...CONSOLE_ENV, ...idp.env } });
    browser = await launchBrowser();
    base = browserUrl(cs.url);
    [agent, alice, bobApi] = [client(cs.url, KEYS.agent), client(cs.url, KEYS.alice), client(cs.url, KEYS.bob)];
    bob = await newUser(browser);
    // Bob's device: a platform authenticator that verifies him (as a fingerprint would) without a prompt.
    authenticator = await addVirtualAuthenticator(bob.page);
    await signIn(bob.page, base, 'bob@example.com', '/console/settings');
  });
  after(async () => {
    await browser?.close();
    await cs?.stop();
    await idp?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  const refund = async (order: string) => {
    const res = await agent.propose({ action: 'payments.refund', resource: `payments/order/${order}`, params: { order, amount: 1250, currency: 'EUR' }, justification: 'Duplicate charge' });
    assert.equal(res.body.status, 'pending', res.text);
    assert.equal(res.body.policy.stepUp, 'webauthn');
    return res.body.id as string;
  };

  it('registers a passkey from the settings page with the virtual authenticator', async () => {
    const page = bob.page;
    await page.getByText('You have no passkey.').waitFor();
    await page.getByRole('textbox', { name: 'Passkey name' }).fill('Work laptop');
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByRole('list', { name: 'Your passkeys' }).getByText('Work laptop', { exact: true }).waitFor();
    await page.getByTestId('live-region').filter({ hasText: 'Passkey Work laptop registered.' }).waitFor({ state: 'attached' });
    const held = await authenticator.credentials();
    assert.equal(held.length, 1);
    assert.equal(held[0].rpId, 'localhost');
    const listed = (await page.evaluate(async () => (await fetch('/v1/passkeys', { credentials: 'same-origin' })).json())) as { items: { name: string }[] };
    assert.deepEqual(listed.items.map((p) => p.name), ['Work laptop']);
  });

  it('refuses an approval of a step-up rule without a passkey assertion, and records no vote', async () => {
    const id = await refund('90001');
    const refused = await bobApi.post(`/v1/actions/${id}/approve`, { comment: 'no passkey' });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.body.type, /step-up-required$/);
    assert.deepEqual((await alice.get(`/v1/actions/${id}`)).body.votes, []);
  });

  it('approves a step-up rule from the inbox with the passkey, and the vote records the assertion', async () => {
    const id = await refund('90002');
    const page = bob.page;
    await page.goto(`${base}/console`);
    const item = page.getByRole('list', { name: 'Waiting for your vote' }).getByRole('article', { name: /^payments\.refund on payments\/order\/90002\b/ });
    await item.getByText('passkey required').waitFor();
    assert.equal(await item.getByRole('button', { name: 'Approve', exact: true }).count(), 0, 'no plain Approve under a step-up rule');
    const signsBefore = (await authenticator.credentials())[0].signCount;
    await item.getByRole('button', { name: 'Approve with passkey' }).click();
    await item.waitFor({ state: 'detached' });
    await until(async () => (await alice.get(`/v1/actions/${id}`)).body.status === 'approved', 'the refund approved on the read model');
    const [vote] = (await alice.get(`/v1/actions/${id}`)).body.votes;
    const [credential] = await authenticator.credentials();
    assert.equal(vote.voter, 'bob');
    assert.equal(vote.stepUp.method, 'webauthn');
    assert.equal(vote.stepUp.credentialId, base64url(credential.credentialId));
    assert.equal(vote.stepUp.userVerified, true);
    assert.ok(credential.signCount > signsBefore, 'the authenticator signed once more');
    assert.deepEqual(bob.errors, [], 'no script error, no CSP refusal');
  });

  it('removes the passkey, after which the step-up rule cannot be approved with it', async () => {
    const page = bob.page;
    await page.goto(`${base}/console/settings`);
    await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
    await page.getByText('You have no passkey.').waitFor();
    const id = await refund('90003');
    const options = await page.evaluate(async (actionId) => {
      const me = (await (await fetch('/v1/me', { credentials: 'same-origin' })).json()) as { csrfToken: string };
      const res = await fetch(`/v1/actions/${actionId}/step-up`, { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' }, body: '{}' });
      return { status: res.status, body: (await res.json()) as { options?: { allowCredentials?: unknown[] } } };
    }, id);
    // No passkey left: either no challenge is offered, or one that names no credential of bob's.
    if (options.status === 200) assert.deepEqual(options.body.options?.allowCredentials ?? [], []);
    else assert.ok(options.status >= 400, JSON.stringify(options));
    assert.equal((await alice.get(`/v1/actions/${id}`)).body.status, 'pending');
  });
});
