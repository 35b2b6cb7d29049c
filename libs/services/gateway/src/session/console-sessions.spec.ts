import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDirectory } from '@countersign/identity';
import { ConsoleSessions } from './console-sessions.ts';
import { createMemorySessionStore } from './memory-session-store.ts';
import { newCookieToken, tokenDigest } from './session-cookies.ts';
import { readSignInConfig } from './sign-in-config.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 3, 9);
const config = readSignInConfig({ COUNTERSIGN_OIDC_ISSUER: 'http://127.0.0.1:1', COUNTERSIGN_OIDC_CLIENT_ID: 'c', COUNTERSIGN_SESSION_TTL: '8h', COUNTERSIGN_SESSION_IDLE_TTL: '30m', PORT: '8080' })!;
const sso = config.sessions;
const human = (id: string) => ({ id, kind: 'human' as const, groups: ['sre'], roles: [], identities: [`oidc:${id}-sub`], apiKeys: [] });

/** Sessions authenticated at a clock the test moves: idle and absolute expiry, the directory read each time. */
function given(principals = [human('alice')]) {
  let now = T0;
  const store = createMemorySessionStore();
  const sessions = new ConsoleSessions(config, store, createDirectory(principals), { now: () => new Date(now) });
  const token = newCookieToken();
  const cookie = `${sessions.names.session}=${token}`;
  const open = (principal = 'alice') => store.createSession({
    id: tokenDigest(token), principal, identity: `oidc:${principal}-sub`, csrfToken: 'c'.repeat(43), createdAt: T0, lastSeenAt: T0, expiresAt: T0 + sso.sessionTtlMs, unsyncedGroups: [],
  });
  return { sessions, store, cookie, open, at: (ms: number) => (now = T0 + ms) };
}

describe('ConsoleSessions.authenticate', () => {
  it('given a live session, then its principal, read from the directory, and its CSRF token', async () => {
    const { sessions, cookie, open } = given();
    await open();
    const active = await sessions.authenticate(cookie);
    assert.equal(active?.principal.id, 'alice');
    assert.equal(active?.identity, 'oidc:alice-sub');
    assert.equal(active?.csrfToken, 'c'.repeat(43));
  });

  it('given use every 20 minutes, then the session lives on until its absolute expiry', async () => {
    const { sessions, cookie, open, at } = given();
    await open();
    for (let m = 20; m < 8 * 60; m += 20) {
      at(m * MINUTE);
      assert.ok(await sessions.authenticate(cookie), `at ${m} min`);
    }
    at(8 * 60 * MINUTE);
    assert.equal(await sessions.authenticate(cookie), undefined);
  });

  it('given no use for the idle time, then the session is over, and stays over', async () => {
    const { sessions, cookie, open, at } = given();
    await open();
    at(30 * MINUTE);
    assert.equal(await sessions.authenticate(cookie), undefined);
    at(31 * MINUTE);
    assert.equal(await sessions.authenticate(cookie), undefined);
  });

  it('refuses a session whose principal left the directory, and no cookie or another cookie', async () => {
    const { sessions, cookie, open } = given([human('bob')]);
    await open('alice');
    assert.equal(await sessions.authenticate(cookie), undefined);
    assert.equal(await sessions.authenticate(undefined), undefined);
    assert.equal(await sessions.authenticate(`${sessions.names.session}=${newCookieToken()}`), undefined);
  });

  it('given sign-in off, then no cookie authenticates', async () => {
    const { store, cookie, open } = given();
    await open();
    const off = new ConsoleSessions(null, store, createDirectory([human('alice')]), { now: () => new Date(T0) });
    assert.equal(off.settings, null);
    assert.equal(off.apiKeySignIn, false);
    assert.equal(await off.authenticate(cookie), undefined);
  });
});
