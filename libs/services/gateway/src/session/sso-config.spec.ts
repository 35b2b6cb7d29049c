import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signInClaims } from './oidc-client.ts';
import { readSsoConfig } from './sso-config.ts';

const BASE = { COUNTERSIGN_OIDC_ISSUER: 'https://idp.example/oauth2/default', COUNTERSIGN_OIDC_CLIENT_ID: 'countersign', COUNTERSIGN_PUBLIC_URL: 'https://countersign.example' };

describe('sign-in settings', () => {
  it('given no issuer, then sign-in is off', () => {
    assert.equal(readSsoConfig({}), undefined);
  });

  it('reads the defaults: scopes, group claim, 8 h sessions idle after 1 h, secure cookies on https', () => {
    const sso = readSsoConfig(BASE)!;
    assert.deepEqual(sso.scopes, ['openid', 'email', 'profile']);
    assert.equal(sso.groupsClaim, 'groups');
    assert.equal(sso.redirectUri, 'https://countersign.example/auth/callback');
    assert.equal(sso.secureCookies, true);
    assert.equal(sso.sessionTtlMs, 8 * 3_600_000);
    assert.equal(sso.idleTtlMs, 3_600_000);
    assert.equal(sso.clientSecret, undefined);
  });

  it('defaults the public URL to http://localhost:<PORT>, with cookies that are not Secure', () => {
    const sso = readSsoConfig({ ...BASE, COUNTERSIGN_PUBLIC_URL: undefined, COUNTERSIGN_OIDC_ISSUER: 'http://127.0.0.1:9000', PORT: '8123' })!;
    assert.equal(sso.publicUrl, 'http://localhost:8123');
    assert.equal(sso.secureCookies, false);
  });

  it('names each variable at fault, one line each', () => {
    assert.throws(() => readSsoConfig({
      COUNTERSIGN_OIDC_ISSUER: 'http://idp.example', COUNTERSIGN_OIDC_SCOPES: 'email profile', COUNTERSIGN_SESSION_TTL: '8', COUNTERSIGN_SESSION_IDLE_TTL: '2d',
      COUNTERSIGN_PUBLIC_URL: 'http://countersign.example/x',
    }), (error: Error) => {
      const lines = error.message.split('\n');
      assert.deepEqual(lines.map((l) => l.split(':')[0]), [
        'COUNTERSIGN_OIDC_ISSUER', 'COUNTERSIGN_OIDC_CLIENT_ID', 'COUNTERSIGN_OIDC_SCOPES', 'COUNTERSIGN_PUBLIC_URL', 'COUNTERSIGN_SESSION_TTL', 'COUNTERSIGN_SESSION_IDLE_TTL',
      ]);
      return true;
    });
  });
});

describe('claims the sign-in rule reads', () => {
  it('takes the group claim as a list of strings, or one string; anything else counts as absent', () => {
    assert.deepEqual(signInClaims({ sub: 's', groups: ['a', 'b'] }, 'groups').idpGroups, ['a', 'b']);
    assert.deepEqual(signInClaims({ sub: 's', 'https://x.example/groups': 'a' }, 'https://x.example/groups').idpGroups, ['a']);
    assert.equal(signInClaims({ sub: 's', groups: ['a', 1] }, 'groups').idpGroups, undefined);
    assert.equal(signInClaims({ sub: 's' }, 'groups').idpGroups, undefined);
  });

  it('trusts an email only when email_verified is true', () => {
    assert.equal(signInClaims({ sub: 's', email: 'a@example.com', email_verified: true }, 'groups').emailVerified, true);
    assert.equal(signInClaims({ sub: 's', email: 'a@example.com', email_verified: 'yes' }, 'groups').emailVerified, false);
    assert.equal(signInClaims({ sub: 's', email: 'a@example.com' }, 'groups').emailVerified, false);
  });
});
