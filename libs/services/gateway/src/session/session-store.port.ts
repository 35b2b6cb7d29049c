/**
 * Console sessions and sign-in transactions, kept server-side: the browser holds only a random
 * token, the store only its SHA-256 (`id`). Adapters: in memory (the embedded shape) and on the
 * read models' MongoDB (the distributed shape, where any gateway instance may serve the next
 * request). Both pass `session-store.contract.ts`. Times are epoch milliseconds, given by callers.
 */
export interface SessionRecord {
  /** tokenDigest of the session cookie. */
  id: string;
  principal: string;
  /** `oidc:<sub>`: the identity the session's requests come in under. */
  identity: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry: sign-in + COUNTERSIGN_SESSION_TTL, whatever the activity. */
  expiresAt: number;
  /** The ID token, as `id_token_hint` for the IdP's end-session endpoint. */
  idToken?: string;
  /** Mapped groups the IdP grants that the directory did not give at sign-in (ADR 0008). */
  unsyncedGroups: string[];
}

/** One sign-in under way, from /auth/login to /auth/callback (OpenID Connect code flow with PKCE). */
export interface LoginTransaction {
  /** tokenDigest of the login cookie. */
  id: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  /** The session, unless unknown, ended, or at or past its absolute expiry. */
  findSession(id: string, now: number): Promise<SessionRecord | undefined>;
  /** Records use at `at` (idle expiry counts from it); never revives an ended session. */
  touchSession(id: string, at: number): Promise<void>;
  /** Ends the session for good: later finds and touches see nothing. */
  endSession(id: string, at: number): Promise<void>;
  saveLogin(login: LoginTransaction): Promise<void>;
  /** The transaction once: a second take (a replayed callback) gives undefined, as does expiry. */
  takeLogin(id: string, now: number): Promise<LoginTransaction | undefined>;
}

export const SESSION_STORE = Symbol('SESSION_STORE');
