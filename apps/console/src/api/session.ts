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
 * Ends the session (POST /auth/logout, CSRF-checked, `me.signOutUrl`) and follows where the server
 * sends the browser: a redirect it answered with, or the `redirectTo` of its JSON answer.
 */
export async function signOut(me: Me): Promise<void> {
  const res = await fetch(me.signOutUrl ?? '/auth/logout', {
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
  // `{ redirectTo }`: the IdP's end-session endpoint, or /console (which then asks to sign in).
  window.location.assign(typeof body.redirectTo === 'string' && body.redirectTo ? body.redirectTo : '/console');
}

