/**
 * The behaviour every SessionStore adapter must show (memory, read models on MongoDB). An
 * adapter's test calls `sessionStoreContract('mongo', open)`; each test uses fresh random ids, so
 * adapters may share one database between tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newCookieToken, tokenDigest } from './session-cookies.ts';
import type { LoginTransaction, SessionRecord, SessionStore } from './session-store.port.ts';

export interface SessionStoreFixture {
  store: SessionStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const HOUR = 3_600_000;

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: tokenDigest(newCookieToken()), principal: 'alice', identity: 'oidc:00u-alice', csrfToken: newCookieToken(),
    createdAt: T0, lastSeenAt: T0, expiresAt: T0 + 8 * HOUR, idToken: 'eyJ.header.sig', unsyncedGroups: ['security'], ...overrides,
  };
}

function login(overrides: Partial<LoginTransaction> = {}): LoginTransaction {
  return {
    id: tokenDigest(newCookieToken()), state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43), returnTo: '/console/actions/a-1',
    createdAt: T0, expiresAt: T0 + 600_000, ...overrides,
  };
}

export function sessionStoreContract(name: string, open: () => Promise<SessionStoreFixture>): void {
  async function withStore(test: (store: SessionStore) => Promise<void>) {
    const { store, close } = await open();
    try {
      await test(store);
    } finally {
      await close();
    }
  }

  describe(`SessionStore contract: ${name}`, () => {
    it('given a created session, when found before its expiry, then it is returned as created; an unknown id gives undefined', () =>
      withStore(async (store) => {
        const s = session();
        await store.createSession(s);
        assert.deepEqual(await store.findSession(s.id, T0 + 1), s);
        assert.equal(await store.findSession(tokenDigest(newCookieToken()), T0 + 1), undefined);
      }));

    it('given a session, when its absolute expiry comes, then it is not found, even if touched just before', () =>
      withStore(async (store) => {
        const s = session();
        await store.createSession(s);
        await store.touchSession(s.id, s.expiresAt - 1);
        assert.equal((await store.findSession(s.id, s.expiresAt - 1))?.lastSeenAt, s.expiresAt - 1);
        assert.equal(await store.findSession(s.id, s.expiresAt), undefined);
      }));

    it('a touch moves lastSeenAt forward only', () =>
      withStore(async (store) => {
        const s = session();
        await store.createSession(s);
        await store.touchSession(s.id, T0 + 2000);
        await store.touchSession(s.id, T0 + 1000);
        assert.equal((await store.findSession(s.id, T0 + 3000))?.lastSeenAt, T0 + 2000);
      }));

    it('given an ended session, then it is never found again, and a later touch does not bring it back', () =>
      withStore(async (store) => {
        const [s, other] = [session(), session({ principal: 'bob' })];
        await store.createSession(s);
        await store.createSession(other);
        await store.endSession(s.id, T0 + 10);
        await store.touchSession(s.id, T0 + 20);
        assert.equal(await store.findSession(s.id, T0 + 30), undefined);
        assert.equal((await store.findSession(other.id, T0 + 30))?.principal, 'bob', 'other sessions go on');
      }));

    it('ending an unknown session changes nothing and does not fail', () =>
      withStore(async (store) => {
        await store.endSession(tokenDigest(newCookieToken()), T0);
      }));

    it('given a saved login transaction, when taken, then it is returned once; a second take gives undefined', () =>
      withStore(async (store) => {
        const l = login();
        await store.saveLogin(l);
        assert.deepEqual(await store.takeLogin(l.id, T0 + 1), l);
        assert.equal(await store.takeLogin(l.id, T0 + 2), undefined);
      }));

    it('given a login transaction past its expiry, then taking it gives undefined (and it is gone)', () =>
      withStore(async (store) => {
        const l = login();
        await store.saveLogin(l);
        assert.equal(await store.takeLogin(l.id, l.expiresAt), undefined);
        assert.equal(await store.takeLogin(l.id, T0), undefined);
      }));

    it('sessions and login transactions are apart: a login id is no session and the reverse', () =>
      withStore(async (store) => {
        const [s, l] = [session(), login()];
        await store.createSession(s);
        await store.saveLogin(l);
        assert.equal(await store.findSession(l.id, T0 + 1), undefined);
        assert.equal(await store.takeLogin(s.id, T0 + 1), undefined);
        assert.equal((await store.findSession(s.id, T0 + 1))?.id, s.id);
      }));
  });
}
