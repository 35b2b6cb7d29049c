import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NO_OUTBOUND_ALLOW, readOutboundAllow } from '@countersign/contracts';
import { DeliveryError } from '../channel.port.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { postOutbound, type Resolver } from './outbound-post.ts';

/**
 * Outbound POSTs against a local receiver on 127.0.0.1, with DNS played by a resolver that counts
 * its lookups: what the notifier checks is what it connects to, named as asked.
 */
describe('outbound POSTs: checked, pinned, never redirected', () => {
  let receiver: WebhookReceiver;
  let port: number;
  before(async () => {
    receiver = await startWebhookReceiver();
    port = Number(new URL(receiver.url()).port);
  });
  after(async () => receiver.close());

  /** A DNS that answers from a table and counts lookups; `then` is what it answers after the first lookup (rebinding). */
  function dns(first: string[], then: string[] = first): Resolver & { lookups: number } {
    const resolver = Object.assign(async () => {
      const answer = resolver.lookups === 0 ? first : then;
      resolver.lookups += 1;
      return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    }, { lookups: 0 });
    return resolver;
  }
  const post = (url: string, resolve: Resolver, allow = NO_OUTBOUND_ALLOW) =>
    postOutbound({ url, headers: { 'content-type': 'application/json' }, body: '{"n":1}', allow, timeoutMs: 2000, resolve });

  it('given a name that resolves to 127.0.0.1 and an allowlist naming it, then it connects there once, with the name as Host', async () => {
    // given DNS that would answer a public address on a second lookup (a rebinding attempt the other way round)
    const resolve = dns(['127.0.0.1'], ['93.184.216.34']);
    // when
    await post(`http://hooks.test:${port}/in?job=1`, resolve, readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.1' }));
    // then
    const got = receiver.requests.at(-1)!;
    assert.equal(got.headers.host, `hooks.test:${port}`);
    assert.equal(got.path, '/in?job=1');
    assert.equal(resolve.lookups, 1, 'one lookup: the connection goes to the address checked');
  });

  it('given a name that resolves to a private address, then nothing is sent and the recorded reason names neither', async () => {
    const before = receiver.requests.length;
    const resolve = dns(['127.0.0.1']);
    await assert.rejects(post(`http://hooks.test:${port}/`, resolve), (e: unknown) => {
      assert.ok(e instanceof DeliveryError && !e.retryable);
      assert.equal(e.message, 'refused: the host resolves to an address outside the outbound allowlist (see the notifier log)');
      assert.match(e.detail ?? '', /^http:\/\/hooks\.test:\d+ resolves to 127\.0\.0\.1 \(a loopback address\); add it to COUNTERSIGN_OUTBOUND_ALLOW/);
      return true;
    });
    assert.equal(receiver.requests.length, before);
  });

  it('given a name with one public and one private address, then it is refused: every address must pass', async () => {
    await assert.rejects(post(`http://hooks.test:${port}/`, dns(['93.184.216.34', '::ffff:169.254.169.254'])),
      (e: unknown) => e instanceof DeliveryError && /169\.254\.169\.254 inside an IPv6 address/.test(e.detail ?? ''));
  });

  it('given an allowlisted host name, then whatever it resolves to is allowed, on its port only', async () => {
    const named = readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: `hooks.test:${port}` });
    await post(`http://hooks.test:${port}/named`, dns(['127.0.0.1']), named);
    assert.equal(receiver.requests.at(-1)!.path, '/named');
    await assert.rejects(post(`http://other.test:${port}/`, dns(['127.0.0.1']), named), (e: unknown) => e instanceof DeliveryError && !e.retryable);
  });

  it('given an IP literal, then no lookup is made and the address is judged as written', async () => {
    const resolve = dns([]);
    await assert.rejects(post(`http://127.0.0.1:${port}/`, resolve), (e: unknown) => e instanceof DeliveryError && /loopback/.test(e.detail ?? ''));
    await assert.rejects(post(`http://[::ffff:7f00:1]:${port}/`, resolve), (e: unknown) => e instanceof DeliveryError && /loopback/.test(e.detail ?? ''));
    assert.equal(resolve.lookups, 0);
  });

  it('given a name that does not resolve, then it is a retryable failure naming the DNS error', async () => {
    const failing: Resolver = async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' }));
    await assert.rejects(post('https://nowhere.test/', failing), (e: unknown) => e instanceof DeliveryError && e.retryable && e.message === 'could not resolve the host (ENOTFOUND)');
  });

  it('given a redirect, then it is not followed', async () => {
    receiver.failNext(1, 307);
    const count = receiver.requests.length;
    await assert.rejects(post(`http://hooks.test:${port}/`, dns(['127.0.0.1']), readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.0/8' })),
      (e: unknown) => e instanceof DeliveryError && !e.retryable && e.message === 'answered 307 Temporary Redirect (redirects are not followed)');
    assert.equal(receiver.requests.length, count + 1);
  });
});
