import type { Doc, ReadModelStore } from '@countersign/readmodel';
import type { LoginTransaction, SessionRecord, SessionStore } from './session-store.port.ts';

export const SESSIONS_COLLECTION = 'console_sessions';
export const LOGINS_COLLECTION = 'console_logins';

/** Above any time in ms: an ended entry's version, which no later write can go under. */
const ENDED = Number.MAX_SAFE_INTEGER;

type Stored<T> = Doc & { version: number; ended?: true; record?: T };

/**
 * Sessions on the read-model store the gateway already has (MongoDB in the distributed shape), so
 * every gateway instance sees a sign-in and a sign-out at once. The port only puts whole documents,
 * so each write carries a `version` (putMany's versionField): a touch is versioned by its time, an
 * ended session by the highest number, so a touch racing a sign-out never brings the session back.
 * Ended entries stay as small tombstones (no token, no CSRF secret); dropping the collection signs
 * everyone out, as a rebuild of the read models would.
 */
export function createReadModelSessionStore(store: ReadModelStore): SessionStore {
  const sessions = store.collection<Stored<SessionRecord>>(SESSIONS_COLLECTION);
  const logins = store.collection<Stored<LoginTransaction>>(LOGINS_COLLECTION);
  const live = <T extends { expiresAt: number }>(doc: Stored<T> | undefined, now: number): T | undefined =>
    doc && !doc.ended && doc.record && doc.record.expiresAt > now ? doc.record : undefined;
  const end = (collection: typeof sessions | typeof logins, id: string) =>
    collection.putMany([{ _id: id, version: ENDED, ended: true }], { versionField: 'version' });

  return {
    async createSession(session) {
      await sessions.putMany([{ _id: session.id, version: session.lastSeenAt, record: session }], { versionField: 'version' });
    },
    async findSession(id, now) {
      return live(await sessions.get(id), now);
    },
    async touchSession(id, at) {
      const doc = await sessions.get(id);
      if (!doc?.record || doc.ended || at <= doc.record.lastSeenAt) return;
      await sessions.putMany([{ _id: id, version: at, record: { ...doc.record, lastSeenAt: at } }], { versionField: 'version' });
    },
    async endSession(id) {
      await end(sessions, id);
    },
    async saveLogin(login) {
      await logins.putMany([{ _id: login.id, version: login.createdAt, record: login }], { versionField: 'version' });
    },
    async takeLogin(id, now) {
      const doc = await logins.get(id);
      if (!doc) return undefined;
      await end(logins, id);
      return live(doc, now);
    },
  };
}
