import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.ts';

const SIEM_SECRET = `whsec_${Buffer.from('e2e secret of the siem webhook').toString('base64')}`;
const CALLBACK_SECRET = `whsec_${Buffer.from('e2e secret of requester callbacks').toString('base64')}`;

type Event = { type: string; seq: number; data: Record<string, any> };

describe(`notifications: webhooks and callbacks (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let siem: WebhookReceiver, requester: WebhookReceiver;
  let agent: Client, alice: Client, carol: Client;

  /** The action's events once `done` holds for them. */
  const eventsUntil = (id: string, done: (events: Event[]) => boolean) =>
    waitFor(async () => {
      const events: Event[] = (await carol.get(`/v1/actions/${id}/events`)).body.events ?? [];
      return done(events) ? events : undefined;
    }, { what: `the events of ${id}`, timeoutMs: 15_000 });
  const about = (id: string, type: string) => (r: ReceivedWebhook) => r.body?.data?.actionId === id && r.body?.type === type;

  before(async () => {
    [siem, requester] = await Promise.all([startWebhookReceiver(SIEM_SECRET), startWebhookReceiver(CALLBACK_SECRET)]);
    cs = await startCountersign({
      env: {
        ...E2E_ENV,
        COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/notification-policies'),
        COUNTERSIGN_WEBHOOK_SIEM_URL: siem.url('/hooks/countersign'),
        COUNTERSIGN_WEBHOOK_SIEM_SECRET: SIEM_SECRET,
        COUNTERSIGN_CALLBACK_SECRET: CALLBACK_SECRET,
        // The receivers listen on this machine: allowed as an operator would allow an internal endpoint.
        COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.1',
        // Retries in tenths of a second, so an outage and its recovery fit in a test.
        COUNTERSIGN_NOTIFY_RETRY_BASE_MS: '100',
        COUNTERSIGN_NOTIFY_RETRY_MAX_MS: '400',
      },
    });
    [agent, alice, carol] = [KEYS.agent, KEYS.alice, KEYS.carol].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs?.stop();
    await Promise.all([siem?.close(), requester?.close()]);
    if (cs) await removeDir(cs.dataDir);
  });

  it('a request produces a signed webhook without secrets, and the decision a second one', async () => {
    // given a production export that the policy sends to the SIEM webhook
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/customers', params: { table: 'customers', db_password: 'hunter2' }, justification: 'Q3 report' });
    assert.equal(proposed.body.status, 'pending', proposed.text);
    const id = proposed.body.id;
    // then the SIEM is asked, signed, with the password hidden
    const request = await siem.waitFor(about(id, 'approval.requested'));
    assert.ok(request.verified, request.verifyError);
    assert.match(String(request.headers['webhook-id']), /^msg_/);
    assert.deepEqual(request.body.data.params, { table: 'customers', db_password: '[redacted]' });
    assert.equal(request.body.data.justification, 'Q3 report');
    assert.deepEqual(request.body.data.approval.eligible.sort(), ['alice', 'bob']);
    assert.ok(!request.raw.includes('hunter2'));
    // when a steward approves
    const approved = await alice.post(`/v1/actions/${id}/approve`, { comment: 'ok' });
    assert.equal(approved.body.status, 'approved', approved.text);
    // then the SIEM is told the outcome
    const decided = await siem.waitFor(about(id, 'action.decided'));
    assert.ok(decided.verified, decided.verifyError);
    assert.deepEqual([decided.body.data.decision.status, decided.body.data.decision.by], ['approved', ['alice']]);
    // and both deliveries are in the action's stream
    const events = await eventsUntil(id, (es) => es.filter((e) => e.type === 'NotificationDelivered').length >= 2);
    assert.deepEqual(events.filter((e) => e.type === 'NotificationDelivered').map((e) => [e.data.channel, e.data.purpose, e.data.attempt]),
      [['webhook:siem', 'request', 1], ['webhook:siem', 'decision', 1]]);
  });

  it('a receiver that is down leaves the action pending and approvable, records each failure, and the retry gets through', async () => {
    // given the SIEM answers 503 twice
    siem.failNext(2, 503);
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/orders' });
    const id = proposed.body.id;
    // then two failures are recorded, with the reason and the next attempt, and the third try is delivered
    const events = await eventsUntil(id, (es) => es.some((e) => e.type === 'NotificationDelivered' && e.data.purpose === 'request'));
    const attempts = events.filter((e) => e.type.startsWith('Notification'));
    assert.deepEqual(attempts.map((e) => [e.type, e.data.attempt]), [['NotificationFailed', 1], ['NotificationFailed', 2], ['NotificationDelivered', 3]]);
    for (const failed of attempts.slice(0, 2)) {
      assert.equal(failed.data.reason, 'answered 503 Service Unavailable', 'the webhook\'s answer, without its URL');
      assert.ok(Date.parse(failed.data.nextAttemptAt) > 0, 'the next attempt is planned');
    }
    assert.equal((await siem.waitFor(about(id, 'approval.requested'))).verified, true);
    // and the action stayed pending, approvable through the API
    assert.equal((await carol.get(`/v1/actions/${id}`)).body.status, 'pending');
    const approved = await alice.post(`/v1/actions/${id}/approve`, {});
    assert.equal(approved.body.status, 'approved', approved.text);
  });

  it('calls the requester back, signed, when its action is decided', async () => {
    // given a proposal with a callback URL on this machine
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/invoices', callbackUrl: requester.url('/countersign/decided?job=42') });
    assert.equal(proposed.body.status, 'pending', proposed.text);
    const id = proposed.body.id;
    // when it is denied
    const denied = await alice.post(`/v1/actions/${id}/deny`, { reason: 'not this quarter' });
    assert.equal(denied.body.status, 'denied', denied.text);
    // then the requester hears of it, signed with the callback secret
    const callback = await requester.waitFor(about(id, 'action.decided'));
    assert.equal(callback.path, '/countersign/decided?job=42');
    assert.ok(callback.verified, callback.verifyError);
    assert.deepEqual([callback.body.data.decision.status, callback.body.data.decision.reason], ['denied', 'not this quarter']);
    const events = await eventsUntil(id, (es) => es.some((e) => e.type === 'NotificationDelivered' && e.data.channel === 'callback'));
    assert.ok(events.some((e) => e.type === 'NotificationDelivered' && e.data.purpose === 'callback'));
  });

  it('refuses callbacks to the metadata service, private networks and loopback, naming /callbackUrl', async () => {
    for (const callbackUrl of ['https://169.254.169.254/latest/meta-data/', 'https://[::ffff:169.254.169.254]/', 'https://10.0.0.1:8443/admin',
      'https://2852039166/', 'https://localhost:6379/', `http://127.0.0.2:${new URL(requester.url()).port}/`]) {
      const res = await agent.propose({ action: 'data.export', resource: 'prod/invoices', callbackUrl });
      assert.equal(res.status, 400, `${callbackUrl}: ${res.text}`);
      assert.deepEqual(res.body.errors.map((e: { pointer: string }) => e.pointer), ['/callbackUrl'], callbackUrl);
    }
  });

  it('tells the requester only that its callback failed, never why (no port scanning through callbacks)', async () => {
    // given a callback to an allowed address where nothing listens
    const closed = await startWebhookReceiver(CALLBACK_SECRET);
    const url = closed.url('/gone');
    await closed.close();
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/invoices', callbackUrl: url });
    const id = proposed.body.id;
    // when it is decided
    await alice.post(`/v1/actions/${id}/deny`, { reason: 'no' });
    // then every failure the requester can read is the same generic sentence
    const events = await eventsUntil(id, (es) => es.some((e) => e.type === 'NotificationFailed' && e.data.channel === 'callback'));
    const failures = events.filter((e) => e.type === 'NotificationFailed');
    assert.deepEqual([...new Set(failures.map((e) => e.data.reason))], ['the callback could not be delivered']);
    const view = (await agent.get(`/v1/actions/${id}`)).body;
    assert.ok(!JSON.stringify(view.notifications).includes('ECONNREFUSED'));
  });
});

// The distributed shape's config-error start runs the gateway alone, which does not read webhook
// settings: this check belongs to the embedded shape only (not registered, rather than skipped).
if (SHAPE === 'embedded') describe('a bad webhook setting stops the notifier with one line naming the variable', () => {
  it('names the missing secret and the bad allowlist entry, and shows no secret value', async () => {
    const cs = await startCountersign({
      env: { ...E2E_ENV, COUNTERSIGN_WEBHOOK_SIEM_URL: 'http://127.0.0.1:9/hook', COUNTERSIGN_CALLBACK_SECRET: 'not-a-whsec-value', COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.1, 10.0.0.0/33' },
      expectExit: true,
    });
    try {
      assert.equal(await cs.exitCode, 2);
      const lines = cs.output().trim().split('\n');
      assert.deepEqual(lines, [
        'countersign: COUNTERSIGN_WEBHOOK_SIEM_SECRET: must be set when COUNTERSIGN_WEBHOOK_SIEM_URL is (a Standard Webhooks secret, whsec_ followed by base64)',
        'COUNTERSIGN_CALLBACK_SECRET: must be whsec_ followed by a base64 key (the value is not shown)',
        'COUNTERSIGN_OUTBOUND_ALLOW: "10.0.0.0/33": not an IP address or CIDR range',
      ]);
    } finally {
      await removeDir(cs.dataDir);
    }
  });
});
