import type { LoginTransaction, SessionRecord, SessionStore } from './session-store.port.ts';

/**
 * Sessions in this process's memory: the embedded shape, one gateway. A restart signs everyone
 * out (fail closed). Expired entries are dropped as new ones come, so memory follows the active ones.
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  const logins = new Map<string, LoginTransaction>();
  const prune = <T extends { expiresAt: number }>(map: Map<string, T>, now: number) => {
    for (const [id, entry] of map) if (entry.expiresAt <= now) map.delete(id);
  };
  return {
    async createSession(session) {
      prune(sessions, session.createdAt);
      sessions.set(session.id, structuredClone(session));
    },
    async findSession(id, now) {
      const session = sessions.get(id);
      return session && session.expiresAt > now ? structuredClone(session) : undefined;
    },
    async touchSession(id, at) {
      const session = sessions.get(id);
      if (session && at > session.lastSeenAt) session.lastSeenAt = at;
    },
    async endSession(id) {
      sessions.delete(id);
    },
    async saveLogin(login) {
      prune(logins, login.createdAt);
      logins.set(login.id, structuredClone(login));
    },
    async takeLogin(id, now) {
      const login = logins.get(id);
      logins.delete(id);
      return login && login.expiresAt > now ? login : undefined;
    },
  };
}
