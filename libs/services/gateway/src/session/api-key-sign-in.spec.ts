import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDirectory, hashApiKey, type Principal } from '@countersign/identity';
import { Problem } from '../problem.ts';
import { ApiKeySignIn, FAILED_API_KEY_SIGN_INS_PER_WINDOW } from './api-key-sign-in.ts';
import { ConsoleSessions, LOGIN_TTL_MS } from './console-sessions.ts';
import { createMemorySessionStore } from './memory-session-store.ts';
import { readSignInConfig } from './sign-in-config.ts';

const T0 = Date.UTC(2026, 11, 3, 9);
const principal = (id: string, kind: 'human' | 'agent', keys: string[]): Principal =>
  ({ id, kind, groups: [], roles: [], identities: [], apiKeys: keys.map((k, i) => ({ id: `${id}-${i + 1}`, sha256: hashApiKey(k) })) }) as unknown as Principal;

/** API-key sign-in over a real directory and session store, at a clock the test moves. */
function given(principals = [principal('bob', 'human', ['bob-key']), principal('bot', 'agent', ['bot-key'])]) {
  let now = T0;
  const clock = { now: () => new Date(now) };
  let directory = createDirectory(principals);
  const live = { get: (id: string) => directory.get(id), authenticate: (key: string) => directory.authenticate(key) } as unknown as ReturnType<typeof createDirectory>;
  const sessions = new ConsoleSessions(readSignInConfig({ PORT: '8080' })!, createMemorySessionStore(), live, clock);
  const signIns = new ApiKeySignIn(sessions, live, clock);
  const cookieOf = (set: string) => set.split(';')[0];
  return { sessions, signIns, cookieOf, at: (ms: number) => (now = T0 + ms), replace: (next: Principal[]) => (directory = createDirectory(next)) };
}

describe('ApiKeySignIn', () => {
  it("given a person's key, then a session under apikey:<key id>, back at a path under /console", async () => {
    const { sessions, signIns, cookieOf } = given();
    const outcome = await signIns.signIn(undefined, 'bob-key', '/console/actions/a-1', 'test');
    assert.ok(outcome.ok);
    assert.equal(outcome.location, '/console/actions/a-1');
    const active = await sessions.authenticate(cookieOf(outcome.cookie));
    assert.equal(active?.principal.id, 'bob');
    assert.equal(active?.identity, 'apikey:bob-1');
  });

  it("given an agent's key or an unknown one, then no session", async () => {
    const { signIns } = given();
    assert.deepEqual(await signIns.signIn(undefined, 'bot-key', '/console', 'test'), { ok: false, status: 403, reason: 'agent', message: 'That key belongs to an agent: agents use the API, not the console.' });
    assert.equal((await signIns.signIn(undefined, 'guess', '/console', 'test') as { status: number }).status, 401);
  });

  it('given the key removed from the directory, then its session is over', async () => {
    const { sessions, signIns, cookieOf, replace } = given();
    const outcome = await signIns.signIn(undefined, 'bob-key', undefined, 'test');
    assert.ok(outcome.ok);
    replace([principal('bob', 'human', [])]);
    assert.equal(await sessions.authenticate(cookieOf(outcome.cookie)), undefined);
  });

  it('given too many wrong keys, then even the right key is not tried until the bucket refills', async () => {
    const { signIns, at } = given();
    for (let i = 0; i < FAILED_API_KEY_SIGN_INS_PER_WINDOW; i++) assert.equal((await signIns.signIn(undefined, `guess-${i}`, undefined, 'test')).ok, false);
    await assert.rejects(signIns.signIn(undefined, 'bob-key', undefined, 'test'), (e: unknown) => e instanceof Problem && e.status === 429 && e.headers['Retry-After'] === '6');
    at(LOGIN_TTL_MS / FAILED_API_KEY_SIGN_INS_PER_WINDOW);
    assert.equal((await signIns.signIn(undefined, 'bob-key', undefined, 'test')).ok, true);
  });
});
