import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOutboundAllow } from '@countersign/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { channelContract, sampleMessage } from '../channel.contract.ts';
import { DeliveryError } from '../channel.port.ts';
import { createCallbackSender, createWebhookChannel } from './webhook-channel.ts';
import type { WebhookTarget } from './webhook-config.ts';

const SECRET = `whsec_${Buffer.from('a test secret of the siem webhook').toString('base64')}`;
/** The receivers listen on 127.0.0.1: the notifier calls them because the allowlist says so, as an operator would. */
const outbound = readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.1' });
const OTHER = `whsec_${Buffer.from('somebody else').toString('base64')}`;

function targets(receiver: WebhookReceiver, secret = SECRET): Map<string, WebhookTarget> {
  return new Map([['SIEM_PROD', { name: 'SIEM_PROD', url: receiver.url('/hooks/siem'), secret }]]);
}

channelContract('webhook', async () => {
  const receiver = await startWebhookReceiver(SECRET);
  return {
    channel: createWebhookChannel(targets(receiver), { outbound }),
    address: 'siem-prod',
    badAddress: 'not-configured',
    received: async () => receiver.requests.filter((r) => r.status === 204 && r.verified).map((r) => ({ actionId: r.body.data.actionId })),
    failNext: () => receiver.failNext(1, 503),
    close: () => receiver.close(),
  };
}, { updatesInPlace: false });

describe('webhook adapter against a local receiver', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  after(async () => receiver.close());

  it('posts { type, data } signed per Standard Webhooks, with a webhook-id stable across attempts', async () => {
    // given a receiver that fails once
    const channel = createWebhookChannel(targets(receiver), { outbound });
    const message = sampleMessage('request');
    receiver.failNext(1, 500);
    // when the message is sent twice (the notifier's retry)
    await assert.rejects(channel.send('siem-prod', message), (e: unknown) => e instanceof DeliveryError && e.retryable);
    await channel.send('siem-prod', message);
    // then both requests carry the same id, a valid signature and the message
    const [first, second] = receiver.requests.filter((r) => r.body?.data?.actionId === message.actionId);
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.match(String(second.headers['webhook-id']), /^msg_[0-9a-f]{32}$/);
    assert.match(String(second.headers['webhook-signature']), /^v1,/);
    assert.ok(second.verified, second.verifyError);
    assert.equal(second.headers['content-type'], 'application/json');
    assert.deepEqual(second.body, { type: 'approval.requested', data: message });
  });

  it('names decisions action.decided and escalations approval.escalated', async () => {
    const channel = createWebhookChannel(targets(receiver), { outbound });
    const decided = sampleMessage('decision');
    const escalation = sampleMessage('escalation');
    await channel.send('siem-prod', decided);
    await channel.send('siem-prod', escalation);
    const typeOf = (id: string) => receiver.requests.find((r) => r.body?.data?.actionId === id)?.body.type;
    assert.deepEqual([typeOf(decided.actionId), typeOf(escalation.actionId)], ['action.decided', 'approval.escalated']);
  });

  it('signs with the configured secret only: a receiver with another secret rejects it', async () => {
    const channel = createWebhookChannel(targets(receiver, OTHER), { outbound });
    const message = sampleMessage('request');
    await channel.send('siem-prod', message);
    const got = receiver.requests.find((r) => r.body?.data?.actionId === message.actionId)!;
    assert.equal(got.verified, false);
  });

  it('retries 429 but not 400, 410 or a redirect, and says which answer came (the URL in the log detail only)', async () => {
    const channel = createWebhookChannel(targets(receiver), { outbound });
    for (const [status, retryable] of [[429, true], [400, false], [410, false], [302, false]] as const) {
      receiver.failNext(1, status);
      await assert.rejects(channel.send('siem-prod', sampleMessage()), (e: unknown) =>
        e instanceof DeliveryError && e.retryable === retryable && e.message.startsWith(`answered ${status}`) &&
        e.detail?.startsWith(`${new URL(receiver.url()).origin} answered ${status}`) === true && !e.message.includes('127.0.0.1'));
    }
  });

  it('gives up on a receiver that does not answer in time, retryably', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const channel = createWebhookChannel(new Map([['SLOW', { name: 'SLOW', url: `http://127.0.0.1:${port}/`, secret: SECRET }]]), { timeoutMs: 100, outbound });
    await assert.rejects(channel.send('slow', sampleMessage()), (e: unknown) => e instanceof DeliveryError && e.retryable && /within 100 ms/.test(e.message));
    silent.closeAllConnections();
    silent.close();
  });

  it('reports a receiver that is not listening as retryable', async () => {
    const gone = await startWebhookReceiver(SECRET);
    const url = gone.url('/');
    await gone.close();
    const channel = createWebhookChannel(new Map([['GONE', { name: 'GONE', url, secret: SECRET }]]), { outbound });
    await assert.rejects(channel.send('gone', sampleMessage()), (e: unknown) =>
      e instanceof DeliveryError && e.retryable && e.message === 'could not connect (ECONNREFUSED)' && /could not reach http:\/\/127\.0\.0\.1:\d+ at 127\.0\.0\.1/.test(e.detail ?? ''));
  });

  it('calls a requester back signed with the callback secret, and refuses without one', async () => {
    const message = sampleMessage('callback');
    await createCallbackSender(SECRET, { outbound }).send(receiver.url('/callback?token=abc'), message);
    const got = receiver.requests.find((r) => r.path === '/callback?token=abc')!;
    assert.ok(got.verified);
    assert.deepEqual(got.body, { type: 'action.decided', data: message });
    await assert.rejects(createCallbackSender(undefined, { outbound }).send(receiver.url('/callback'), message),
      (e: unknown) => e instanceof DeliveryError && !e.retryable && e.message === 'no callback secret configured (COUNTERSIGN_CALLBACK_SECRET)');
    await assert.rejects(createCallbackSender(SECRET).send('http://example.com/cb', message), (e: unknown) => e instanceof DeliveryError && !e.retryable && /https/.test(e.message));
  });

  it('refuses a callback to this machine unless the allowlist names it, sending nothing', async () => {
    const before = receiver.requests.length;
    await assert.rejects(createCallbackSender(SECRET).send(receiver.url('/callback'), sampleMessage('callback')),
      (e: unknown) => e instanceof DeliveryError && !e.retryable && /COUNTERSIGN_OUTBOUND_ALLOW/.test(e.message));
    assert.equal(receiver.requests.length, before);
  });
});
