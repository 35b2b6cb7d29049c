import { get, setCsrfToken } from './http.ts';
import { ApiError, toProblem } from './problem.ts';
import type { Me } from './types.ts';

/** Who is signed in; remembers the session's CSRF token for every later state-changing call. */
export async function loadMe(): Promise<Me> {
  const me = await get<Me>('/v1/me');
  setCsrfToken(me.csrfToken);
  return me;
}

/**
 * Ends the session (POST /auth/logout, CSRF-checked) and follows where the server sends the
 * browser: a redirect it answered with, a URL in its JSON answer, or the IdP's sign-out URL.
 */
export async function signOut(me: Me): Promise<void> {
  const res = await fetch('/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(me.csrfToken ? { 'X-CSRF-Token': me.csrfToken } : {}) },
  });
  if (res.redirected) {
    window.location.assign(res.url);
    return;
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  if (!res.ok) throw new ApiError(res.status, toProblem(res.status, body));
  const next = [body.redirectTo, body.signOutUrl, body.location, me.signOutUrl].find((u): u is string => typeof u === 'string' && u.length > 0);
  window.location.assign(next ?? '/console');
}

