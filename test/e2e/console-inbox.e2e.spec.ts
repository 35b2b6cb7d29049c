import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { browserUrl, launchBrowser, newUser, screenshot, scrollsHorizontally, signIn, type BrowserUser } from '../support/browser.ts';
import { CONSOLE_ENV, CONSOLE_USERS } from '../support/console-env.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.ts';
import { until } from '../support/until.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The inbox's request for `action` on `resource` (its article, named by its heading). */
const request = (page: Page, action: string, resource: string) =>
  page.getByRole('list', { name: 'Waiting for your vote' }).getByRole('article', { name: new RegExp(`^${escape(action)} on ${escape(resource)}\\b`) });

describe('console inbox in the browser: live requests, votes, refusals, keyboard, small screens', () => {
  let idp: RunningOidcProvider;
  let cs: RunningCountersign;
  let browser: Browser;
  let base: string;
  let agent: Client, alice: Client, bobApi: Client;
  let bob: BrowserUser;

  before(async () => {
    idp = await startOidcProvider({ users: CONSOLE_USERS });
    // Checkpoints every second, so the detail's screenshot shows a verified proof.
    cs = await startCountersign({ env: { ...CONSOLE_ENV, ...idp.env, COUNTERSIGN_CHECKPOINT_INTERVAL: '1s' } });
    browser = await launchBrowser();
    base = browserUrl(cs.url);
    [agent, alice, bobApi] = [client(cs.url, KEYS.agent), client(cs.url, KEYS.alice), client(cs.url, KEYS.bob)];
    bob = await newUser(browser);
    await signIn(bob.page, base, 'bob@example.com');
    await bob.page.getByRole('list', { name: 'Waiting for your vote' }).waitFor({ state: 'attached' });
  });
  after(async () => {
    await browser?.close();
    await cs?.stop();
    await idp?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  async function propose(body: Record<string, unknown>, as: Client = agent): Promise<string> {
    const res = await as.propose(body);
    assert.equal(res.body.status, 'pending', res.text);
    return res.body.id as string;
  }
  const view = async (id: string) => (await alice.get(`/v1/actions/${id}`)).body;
  const settled = (id: string, status: string) => until(async () => (await view(id)).status === status, `${id} ${status} on the read model`);

  it('shows a request the moment an agent proposes it, without a reload, and approves it', async () => {
    const page = bob.page;
    await page.goto(`${base}/console`);
    await page.getByText('Live: new requests appear here.').waitFor();
    await page.evaluate('window.__sameDocument = true');

    const id = await propose({
      action: 'data.export', resource: 'prod/customers', params: { table: 'customers', rows: 1200, columns: ['id', 'email', 'plan'] },
      justification: 'Quarterly churn analysis for the board pack',
    });
    const item = request(page, 'data.export', 'prod/customers');
    await item.waitFor();
    await page.getByTestId('live-region').filter({ hasText: 'New request: data.export on prod/customers from demo-agent.' }).waitFor({ state: 'attached' });
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'the request came in without a reload');
    await item.getByText('Quarterly churn analysis for the board pack').waitFor();
    await item.getByText('rule prod-export').waitFor();

    await item.getByRole('button', { name: 'Approve' }).click();
    await item.waitFor({ state: 'detached' });
    await settled(id, 'approved');
    const approved = await view(id);
    assert.deepEqual(approved.votes.map((v: { voter: string; decision: string }) => [v.voter, v.decision]), [['bob', 'approve']]);
    assert.deepEqual(bob.errors, [], 'no script error, no CSP refusal');
  });

  it('denies only with a reason, and records the reason', async () => {
    const page = bob.page;
    const id = await propose({ action: 'data.export', resource: 'prod/payroll', params: { month: '2026-11' }, justification: 'Payroll check' });
    const item = request(page, 'data.export', 'prod/payroll');
    await item.getByRole('button', { name: 'Deny' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deny this request' });
    await dialog.getByRole('button', { name: 'Confirm denial' }).click();
    await dialog.getByRole('alert').filter({ hasText: /required/ }).waitFor();
    assert.equal((await view(id)).status, 'pending', 'no reason, no denial');

    await dialog.getByRole('textbox', { name: 'Reason (required)' }).fill('Payroll leaves only through the HR export.');
    await dialog.getByRole('button', { name: 'Confirm denial' }).click();
    await dialog.waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached' });
    await settled(id, 'denied');
    const denied = await view(id);
    assert.equal(denied.votes[0].voter, 'bob');
    assert.equal(denied.votes[0].decision, 'deny');
    // A denial's reason is the vote's comment on the action view.
    assert.equal(denied.votes[0].comment, 'Payroll leaves only through the HR export.');
  });

  it("refuses to let anyone approve their own action, asked by themselves or by their agent, and says so", async () => {
    // Bob asks himself (with his API key), then through the agent he owns; the detail page offers
    // the vote to whoever can see the action, and the server decides.
    const bobBot = client(cs.url, 'bob-bot-key');
    for (const [as, resource] of [[bobApi, 'prod/bob-own'], [bobBot, 'prod/bob-bot-own']] as const) {
      const id = await propose({ action: 'data.export', resource, params: { rows: 3 }, justification: 'My own export' }, as);
      const page = bob.page;
      await page.goto(`${base}/console`);
      await page.getByRole('list', { name: 'Waiting for your vote' }).waitFor({ state: 'attached' });
      assert.equal(await request(page, 'data.export', resource).count(), 0, `${resource} not in bob's queue`);
      await page.goto(`${base}/console/actions/${id}`);
      await page.getByTestId('action-status').filter({ hasText: 'pending' }).waitFor();
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: /^Not done: .*\bown\b/ }).waitFor();
      const after = await view(id);
      assert.equal(after.status, 'pending', resource);
      assert.deepEqual(after.votes, [], resource);
    }
  });

  it('works from the keyboard: j/k select, d denies with a typed reason, a approves, o opens, ? explains', async () => {
    const page = bob.page;
    await page.goto(`${base}/console`);
    await page.getByText('Live: new requests appear here.').waitFor();
    const first = await propose({ action: 'data.export', resource: 'prod/kb-first', params: { n: 1 } });
    await request(page, 'data.export', 'prod/kb-first').waitFor();
    const second = await propose({ action: 'data.export', resource: 'prod/kb-second', params: { n: 2 } });
    await request(page, 'data.export', 'prod/kb-second').waitFor();
    const third = await propose({ action: 'data.export', resource: 'prod/kb-third', params: { n: 3 } });
    await request(page, 'data.export', 'prod/kb-third').waitFor();
    const selected = page.getByRole('list', { name: 'Waiting for your vote' }).locator('article[data-selected="true"]');
    const selectedIs = (resource: string) => selected.filter({ has: page.getByRole('heading', { name: new RegExp(`on ${escape(resource)}\\b`) }) }).waitFor();

    // Newest first: third, second, first.
    await page.locator('body').focus();
    await page.keyboard.press('j');
    await selectedIs('prod/kb-second');
    await page.keyboard.press('j');
    await selectedIs('prod/kb-first');
    await page.keyboard.press('k');
    await selectedIs('prod/kb-second');

    await page.keyboard.press('d');
    const dialog = page.getByRole('dialog', { name: 'Deny this request' });
    await dialog.waitFor();
    await page.keyboard.type('Not this week.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await request(page, 'data.export', 'prod/kb-second').waitFor({ state: 'detached' });
    await settled(second, 'denied');

    await page.keyboard.press('k');
    await selectedIs('prod/kb-third');
    await page.keyboard.press('a');
    await request(page, 'data.export', 'prod/kb-third').waitFor({ state: 'detached' });
    await settled(third, 'approved');

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await selectedIs('prod/kb-first');
    await page.keyboard.press('o');
    await page.waitForURL(`${base}/console/actions/${first}`);
    await page.getByRole('heading', { level: 1, name: /data\.export on prod\/kb-first/ }).waitFor();
  });

  it('fits a 375 px wide screen: no sideways scrolling in the inbox or the action detail', async () => {
    const narrow = await newUser(browser, { viewport: { width: 375, height: 812 } });
    try {
      await signIn(narrow.page, base, 'alice@example.com');
      const id = await propose({
        action: 'data.export',
        resource: `prod/warehouse/${'partitioned-table-name-without-breaks-'.repeat(3)}2026`,
        params: { query: `SELECT ${Array.from({ length: 40 }, (_, i) => `column_${i}`).join(',')} FROM customers`, token: 'x'.repeat(300), nested: { deep: { deeper: ['a'.repeat(120)] } } },
        justification: 'A long justification without spaces: '.concat('y'.repeat(200)),
      });
      const item = narrow.page.getByRole('list', { name: 'Waiting for your vote' }).getByRole('article').first();
      await item.getByRole('button', { name: 'Approve' }).waitFor();
      assert.equal(await scrollsHorizontally(narrow.page), false, 'the inbox scrolls sideways at 375 px');
      const more = item.getByRole('button', { name: /^Show all of/ }).first();
      if (await more.count()) {
        await more.click();
        assert.equal(await scrollsHorizontally(narrow.page), false, 'an expanded value scrolls the page sideways at 375 px');
      }
      await narrow.page.goto(`${base}/console/actions/${id}`);
      await narrow.page.getByRole('list', { name: 'Events' }).waitFor();
      assert.equal(await scrollsHorizontally(narrow.page), false, 'the action detail scrolls sideways at 375 px');
    } finally {
      await narrow.context.close();
    }
  });

  it('takes the screenshots of the inbox and of an action detail for docs/console.md', async () => {
    // The inbox as a data steward finds it: an export, a two-person escalation half approved, a passkey refund.
    await propose({ action: 'iam.escalate', resource: 'iam/role/db-admin', params: { user: 'dave', role: 'db-admin', hours: 4 }, justification: 'Incident 4711: replica lag' })
      .then((id) => alice.post(`/v1/actions/${id}/approve`, { comment: 'On call, fine.' }).then(() => id));
    await propose({ action: 'payments.refund', resource: 'payments/order/88231', params: { amount: 1250, currency: 'EUR', order: '88231' }, justification: 'Duplicate charge reported by the customer' });
    const exportId = await propose({ action: 'data.export', resource: 'prod/invoices', params: { table: 'invoices', since: '2026-10-01', rows: 48_210 }, justification: 'Auditor request for Q4' });
    const page = bob.page;
    await page.goto(`${base}/console`);
    await request(page, 'payments.refund', 'payments/order/88231').waitFor();
    await request(page, 'iam.escalate', 'iam/role/db-admin').waitFor();
    await request(page, 'data.export', 'prod/invoices').getByRole('button', { name: 'Approve' }).waitFor();
    await screenshot(page, join(ROOT, 'docs/console/inbox.png'));

    await bobApi.post(`/v1/actions/${exportId}/approve`, { comment: 'Scoped to Q4, fine.' });
    await until(async () => (await alice.get(`/v1/actions/${exportId}/proof`)).body.events?.at(-1)?.type === 'ActionApproved', 'the decision under a checkpoint');
    await page.goto(`${base}/console/actions/${exportId}`);
    await page.getByTestId('proof-verdict').filter({ hasText: /^Verified under checkpoint/ }).waitFor();
    await page.getByTestId('action-status').filter({ hasText: 'approved' }).waitFor();
    await page.getByTestId('chain-verdict').filter({ hasText: 'Hash chain intact' }).waitFor();
    await page.getByRole('list', { name: 'Events' }).getByRole('listitem').filter({ hasText: 'ActionApproved' }).waitFor();
    // Down to the timeline: the verdicts and the events are below the first screen.
    await screenshot(page, join(ROOT, 'docs/console/action-detail.png'), { maxHeight: 1400 });
  });
});
