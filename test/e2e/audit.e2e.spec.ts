import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { client, KEYS, type ApiResponse, type Client } from '../support/api-client.ts';
import { until } from '../support/until.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

describe(`audit trail for compliance (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let carol: Client;
  let approvedId: string, deniedId: string;
  let startedAt: string;

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    carol = client(cs.url, KEYS.carol);
    const agent = client(cs.url, KEYS.agent);
    startedAt = new Date().toISOString();
    approvedId = (await agent.propose({ action: 'data.export', resource: 'prod/audit-1' })).body.id;
    await client(cs.url, KEYS.bob).post(`/v1/actions/${approvedId}/approve`, { comment: 'checked the ticket' });
    deniedId = (await agent.propose({ action: 'data.export', resource: 'prod/audit-2' })).body.id;
    await client(cs.url, KEYS.alice).post(`/v1/actions/${deniedId}/deny`, { reason: 'PII not masked' });
    const readId = (await agent.propose({ action: 'data.read', resource: 'prod/audit-3' })).body.id;
    // The audit trail is a read model, behind the answers (they come from the log).
    const decided = new Set(['ActionApproved', 'ActionDenied']);
    await until(async () => {
      const rows: { actionId: string; type: string }[] = (await carol.get('/v1/audit?limit=1000')).body.items ?? [];
      return [approvedId, deniedId, readId].every((id) => rows.some((e) => e.actionId === id && decided.has(e.type)));
    }, 'the three decisions in the audit trail');
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('proves who approved what, when and why', async () => {
    const res = await carol.get('/v1/audit?outcome=approved&approver=bob');
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 1);
    const entry = res.body.items[0];
    assert.equal(entry.actionId, approvedId);
    assert.equal(entry.type, 'ActionApproved');
    assert.deepEqual(entry.approvers, ['bob']);
    assert.equal(entry.rule, 'prod-export');
    assert.match(entry.policyVersion, /^[0-9a-f]{64}$/);
    assert.match(entry.hash, /^[0-9a-f]{64}$/);
    assert.match(entry.summary, /^approved by bob\b/);
    const vote = (await carol.get(`/v1/audit?approver=bob&type=VoteRecorded`)).body.items[0];
    assert.equal(vote.comment, 'checked the ticket');
    assert.equal(vote.summary, 'bob approved via api: checked the ticket');
    const evaluated = (await carol.get(`/v1/audit?type=PolicyEvaluated&action=data.export&limit=1`)).body.items[0];
    assert.match(evaluated.summary, /^policy [0-9a-f]{12}: require_approval under rule prod-export — /);
    assert.equal(evaluated.details.outcome, 'require_approval');
  });

  it('filters by requester, action, outcome and time range', async () => {
    const denied = await carol.get('/v1/audit?outcome=denied&requester=demo-agent&action=data.export');
    assert.deepEqual(denied.body.items.map((e: { actionId: string }) => e.actionId), [deniedId]);
    assert.equal(denied.body.items[0].reason, 'PII not masked');
    const future = await carol.get(`/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    assert.equal(future.body.items.length, 0);
    const window = await carol.get(`/v1/audit?from=${encodeURIComponent(startedAt)}&limit=1000`);
    assert.ok(window.body.items.length >= 10);
  });

  it('pages with a cursor, oldest first, without gaps or repeats', async () => {
    const all = (await carol.get('/v1/audit?limit=1000')).body.items.map((e: { id: string }) => e.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await carol.get(`/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, all);
    const ats = (await carol.get('/v1/audit?limit=1000')).body.items.map((e: { at: string }) => e.at);
    assert.deepEqual(ats, [...ats].sort());
  });

  it('exports CSV with a header row', async () => {
    const res = await carol.get('/v1/audit?outcome=denied', { accept: 'text/csv' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].actionId, deniedId);
    assert.equal(rows[0].approvers, 'alice');
    assert.equal(rows[0].reason, 'PII not masked');
    assert.equal(rows[0].summary, 'denied by alice: PII not masked');
  });
});
