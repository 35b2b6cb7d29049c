import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSignInConfig } from './sign-in-config.ts';

const OIDC = { COUNTERSIGN_OIDC_ISSUER: 'https://idp.example', COUNTERSIGN_OIDC_CLIENT_ID: 'countersign', COUNTERSIGN_PUBLIC_URL: 'https://countersign.example' };

describe('readSignInConfig', () => {
  it('given no issuer (the quick start), then API-key sign-in is on, with sessions on http://localhost:<PORT>', () => {
    const config = readSignInConfig({ PORT: '8080' });
    assert.deepEqual(config, { sessions: { publicUrl: 'http://localhost:8080', secureCookies: false, sessionTtlMs: 8 * 3_600_000, idleTtlMs: 3_600_000 }, apiKey: true });
  });

  it('given no PORT either, then the public URL is the quick start\'s, http://localhost:8080 (the shell\'s default port)', () => {
    assert.equal(readSignInConfig({})?.sessions.publicUrl, 'http://localhost:8080');
  });

  it('given an issuer, then API-key sign-in is off unless COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN=on', () => {
    assert.equal(readSignInConfig(OIDC)?.apiKey, false);
    assert.equal(readSignInConfig(OIDC)?.oidc?.issuer.href, 'https://idp.example/');
    assert.equal(readSignInConfig({ ...OIDC, COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: 'on' })?.apiKey, true);
  });

  it('given off and no issuer, then no sign-in at all', () => {
    assert.equal(readSignInConfig({ COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: 'off' }), undefined);
  });

  it('given no issuer and a plain-http public URL off loopback, then the default is off, and on is a mistake naming the variable', () => {
    const env = { COUNTERSIGN_PUBLIC_URL: 'http://countersign.internal:8080' };
    assert.equal(readSignInConfig(env), undefined);
    assert.throws(() => readSignInConfig({ ...env, COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: 'on' }), /^Error: COUNTERSIGN_PUBLIC_URL: with sign-in on/);
  });

  it('given a value other than on or off, then a mistake naming the variable', () => {
    assert.throws(() => readSignInConfig({ COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: 'yes' }), /^Error: COUNTERSIGN_CONSOLE_API_KEY_SIGN_IN: must be on or off/);
  });
});
