import { ApiError, toProblem } from './problem.ts';

/** The CSRF token of this session (from GET /v1/me), sent on every state-changing request. */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Sends the browser to sign in, coming back to where it was. */
export function redirectToSignIn(): void {
  const here = window.location.pathname + window.location.search;
  const returnTo = here.startsWith('/console') ? here : '/console';
  window.location.assign(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}

/**
 * One API call with the session cookie. A 401 sends the browser to sign in; any other error is
 * thrown as an ApiError holding the server's problem.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (error) {
    throw new ApiError(0, { title: 'The server could not be reached.', detail: (error as Error).message });
  }
  const parsed = await readBody(res);
  if (res.status === 401) {
    redirectToSignIn();
    throw new ApiError(401, toProblem(401, parsed));
  }
  if (!res.ok) throw new ApiError(res.status, toProblem(res.status, parsed));
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Builds `path?query` from the defined values; arrays repeat their parameter. */
export function withQuery(path: string, query: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) if (v !== '') params.append(key, v);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
