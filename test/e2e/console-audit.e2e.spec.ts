import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { browserUrl, launchBrowser, newUser, screenshot, signIn, type BrowserUser } from '../support/browser.ts';
import { CONSOLE_ENV, CONSOLE_USERS } from '../support/console-env.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { readBundle, verifyBundleByHand } from '../support/evidence-bundle.ts';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.ts';
import { until } from '../support/until.ts';

/** The CSV export's columns, as docs/api.md lists them. */
const CSV_COLUMNS = 'at,actionId,seq,type,actor,actorKind,action,resource,requester,outcome,approvers,reason,comment,policyVersion,rule,paramsHash,hash,prevHash,summary';

/** Clicks a download link and gives the file's bytes and the name the browser would save it as. */
async function download(page: Page, link: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

describe('console audit explorer in the browser: filters, CSV and evidence bundle downloads', () => {
  let idp: RunningOidcProvider;
  let cs: RunningCountersign;
  let browser: Browser;
  let base: string;
  let carol: BrowserUser;
  let carolApi: Client;
  let ids: { approved: string; denied: string; read: string };

  before(async () => {
    idp = await startOidcProvider({ users: CONSOLE_USERS });
    cs = await startCountersign({ env: { ...CONSOLE_ENV, ...idp.env, COUNTERSIGN_CHECKPOINT_INTERVAL: '1s' } });
    browser = await launchBrowser();
    base = browserUrl(cs.url);
    carolApi = client(cs.url, KEYS.carol);
    const agent = client(cs.url, KEYS.agent);
    const approved = (await agent.propose({ action: 'data.export', resource: 'prod/audit-approved', params: { rows: 10 }, justification: 'Board pack' })).body.id;
    await client(cs.url, KEYS.bob).post(`/v1/actions/${approved}/approve`, { comment: 'Ticket checked' });
    const denied = (await agent.propose({ action: 'data.export', resource: 'prod/audit-denied', params: { rows: 99 } })).body.id;
    await client(cs.url, KEYS.alice).post(`/v1/actions/${denied}/deny`, { reason: 'PII not masked' });
    const read = (await agent.propose({ action: 'data.read', resource: 'prod/audit-read' })).body.id;
    ids = { approved, denied, read };
    // The decisions in the audit trail, and a checkpoint over them (every second), before anyone looks.
    await until(async () => {
      const heads = await Promise.all([approved, denied].map(async (id) => (await carolApi.get(`/v1/actions/${id}/proof`)).status));
      return heads.every((s) => s === 200) && ((await carolApi.get(`/v1/audit?actionId=${approved}&actionId=${denied}&limit=100`)).body.items ?? [])
        .filter((e: { type: string }) => e.type === 'ActionApproved' || e.type === 'ActionDenied').length === 2;
    }, 'both decisions in the audit trail and under a checkpoint', 90_000);
    carol = await newUser(browser);
    await signIn(carol.page, base, 'carol@example.com', '/console/audit');
  });
  after(async () => {
    await browser?.close();
    await cs?.stop();
    await idp?.stop();
    if (cs) await removeDir(cs.dataDir);
  });

  it('filters the trail by action type, as GET /v1/audit does', async () => {
    const page = carol.page;
    const table = page.getByRole('table', { name: 'Audit entries' });
    await table.getByRole('row').filter({ hasText: 'data.read on prod/audit-read' }).first().waitFor();
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Action type').fill('data.export');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]action=data\.export\b/);
    await table.getByRole('row').filter({ hasText: 'ActionDenied' }).waitFor();
    await table.getByRole('row').filter({ hasText: 'data.read on prod/audit-read' }).first().waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').filter({ hasText: 'data.read' }).count(), 0);
    await screenshot(page, join(ROOT, 'docs/console/audit-explorer.png'), { maxHeight: 1200 });
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await table.getByRole('row').filter({ hasText: 'data.read on prod/audit-read' }).first().waitFor();
  });

  it('downloads the CSV of the filtered trail: the documented columns, exactly the chosen actions', async () => {
    const page = carol.page;
    await page.goto(`${base}/console/audit?actionId=${ids.approved}&actionId=${ids.denied}`);
    await page.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'ActionDenied' }).waitFor();
    const csv = await download(page, page.getByRole('link', { name: 'Download CSV' }));
    const text = csv.bytes.toString('utf8');
    assert.equal(text.split('\n')[0].replace(/\r$/, ''), CSV_COLUMNS);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual([...new Set(rows.map((r) => r.actionId))].sort(), [ids.approved, ids.denied].sort());
    const decision = (id: string) => rows.find((r) => r.actionId === id && r.outcome)!;
    assert.deepEqual([decision(ids.approved).type, decision(ids.approved).approvers], ['ActionApproved', 'bob']);
    assert.deepEqual([decision(ids.denied).type, decision(ids.denied).reason], ['ActionDenied', 'PII not masked']);
    // The same rows the API exports for the same filters.
    const api = await fetch(`${cs.url}/v1/audit?actionId=${ids.approved}&actionId=${ids.denied}&format=csv`, { headers: { authorization: `Bearer ${KEYS.carol}` } });
    assert.equal(text, await api.text());
  });

  it('downloads the evidence bundle of the chosen actions, which checks out offline', async () => {
    const page = carol.page;
    await page.goto(`${base}/console/audit?actionId=${ids.approved}&actionId=${ids.denied}`);
    const file = await download(page, page.getByRole('link', { name: 'Download evidence bundle' }));
    assert.match(file.name, /^countersign-evidence-.*\.tar\.gz$/);
    const bundle = await readBundle(file.bytes);
    assert.deepEqual([...bundle.manifest.actions].sort(), [ids.approved, ids.denied].sort());
    assert.equal(bundle.manifest.complete, false);
    const pinned = JSON.parse(await (await fetch(`${cs.url}/.well-known/jwks.json`)).text());
    const { proofs } = await verifyBundleByHand(bundle, pinned);
    assert.deepEqual(proofs.map((p) => p.events[0].streamId).sort(), [ids.approved, ids.denied].sort());
    assert.deepEqual(carol.errors, [], 'no script error, no CSP refusal');
  });

  it('shows the API refusal to someone who is not an auditor, and offers nothing to download from it', async () => {
    const bob = await newUser(browser);
    try {
      await signIn(bob.page, base, 'bob@example.com', '/console/audit');
      await bob.page.getByRole('alert').filter({ hasText: /403|not allowed|forbidden|auditor/i }).first().waitFor();
      const res = await bob.page.evaluate(async () => (await fetch('/v1/audit/export', { credentials: 'same-origin' })).status);
      assert.equal(res, 403);
    } finally {
      await bob.context.close();
    }
  });
});
