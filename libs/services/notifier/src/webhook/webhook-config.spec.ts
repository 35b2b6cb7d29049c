import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@countersign/config';
import { DEFAULT_RETRY } from '../backoff.ts';
import { readNotifierConfig, webhookEnvName } from './webhook-config.ts';

const SECRET = `whsec_${Buffer.from('s3cr3t-key-material').toString('base64')}`;

describe('readNotifierConfig', () => {
  it('defaults to no webhooks, no callback secret, the default retry schedule and no private address allowed', () => {
    assert.deepEqual(readNotifierConfig({}), { webhooks: new Map(), retry: DEFAULT_RETRY, outbound: { entries: [] } });
  });

  it('reads the outbound allowlist, and names each bad entry', () => {
    assert.deepEqual(readNotifierConfig({ COUNTERSIGN_OUTBOUND_ALLOW: 'hooks.internal:8443' }).outbound.entries, [{ kind: 'host', host: 'hooks.internal', subdomains: false, port: 8443 }]);
    assert.throws(() => readNotifierConfig({ COUNTERSIGN_OUTBOUND_ALLOW: '10.0.0.0/8, 300.1.1.1' }), (e: unknown) =>
      e instanceof ConfigError && e.problems.join() === 'COUNTERSIGN_OUTBOUND_ALLOW: "300.1.1.1": write IPv4 addresses as four decimal numbers (a.b.c.d)');
  });

  it('reads every webhook by name, the callback secret and the retry settings', () => {
    const config = readNotifierConfig({
      COUNTERSIGN_WEBHOOK_SIEM_PROD_URL: 'https://siem.example/hooks',
      COUNTERSIGN_WEBHOOK_SIEM_PROD_SECRET: SECRET,
      COUNTERSIGN_CALLBACK_SECRET: SECRET,
      COUNTERSIGN_NOTIFY_RETRY_BASE_MS: '50',
      COUNTERSIGN_NOTIFY_RETRY_MAX_MS: '200',
      COUNTERSIGN_NOTIFY_ATTEMPTS: '4',
      COUNTERSIGN_PUBLIC_URL: 'https://countersign.example',
    });
    assert.deepEqual([...config.webhooks.values()], [{ name: 'SIEM_PROD', url: 'https://siem.example/hooks', secret: SECRET }]);
    assert.equal(config.webhooks.get(webhookEnvName('siem-prod'))?.url, 'https://siem.example/hooks');
    assert.equal(config.callbackSecret, SECRET);
    assert.deepEqual(config.retry, { baseMs: 50, maxMs: 200, maxAttempts: 4 });
    assert.equal(config.publicUrl, 'https://countersign.example');
  });

  it('names every bad variable, one per line, and never shows a secret', () => {
    // given a URL without secret, a secret without URL, a bad secret and a bad number
    const env = {
      COUNTERSIGN_WEBHOOK_A_URL: 'ftp://x',
      COUNTERSIGN_WEBHOOK_B_SECRET: SECRET,
      COUNTERSIGN_CALLBACK_SECRET: 'plain-secret-value',
      COUNTERSIGN_NOTIFY_ATTEMPTS: '0',
    };
    // when read, then each is named and no secret value appears
    assert.throws(() => readNotifierConfig(env), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, [
        'COUNTERSIGN_WEBHOOK_A_URL: must be an http:// or https:// URL (got "ftp://x")',
        'COUNTERSIGN_WEBHOOK_A_SECRET: must be set when COUNTERSIGN_WEBHOOK_A_URL is (a Standard Webhooks secret, whsec_ followed by base64)',
        'COUNTERSIGN_WEBHOOK_B_URL: must be set when COUNTERSIGN_WEBHOOK_B_SECRET is',
        'COUNTERSIGN_CALLBACK_SECRET: must be whsec_ followed by a base64 key (the value is not shown)',
        'COUNTERSIGN_NOTIFY_ATTEMPTS: must be an integer from 1 to 100 (got "0")',
      ]);
      assert.ok(!e.message.includes('plain-secret-value') && !e.message.includes(SECRET));
      return true;
    });
  });

  it('refuses at start a webhook URL naming a private or loopback address, unless the allowlist names it', () => {
    const env = { COUNTERSIGN_WEBHOOK_SIEM_URL: 'https://10.0.0.5:8443/hook', COUNTERSIGN_WEBHOOK_SIEM_SECRET: SECRET, COUNTERSIGN_WEBHOOK_LOCAL_URL: 'http://localhost:9/x', COUNTERSIGN_WEBHOOK_LOCAL_SECRET: SECRET };
    assert.throws(() => readNotifierConfig(env), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, [
        'COUNTERSIGN_WEBHOOK_LOCAL_URL: names localhost, which the notifier does not call unless COUNTERSIGN_OUTBOUND_ALLOW names it',
        'COUNTERSIGN_WEBHOOK_SIEM_URL: names a private address (10.0.0.5), which the notifier does not call unless COUNTERSIGN_OUTBOUND_ALLOW names it',
      ]);
      return true;
    });
    assert.equal(readNotifierConfig({ ...env, COUNTERSIGN_OUTBOUND_ALLOW: '10.0.0.0/8:8443, localhost:9' }).webhooks.size, 2);
  });

  it('maps channel names to variable names: upper case, "-" as "_"', () => {
    assert.equal(webhookEnvName('siem-prod'), 'SIEM_PROD');
  });
});
