import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Problem } from '../problem.ts';

/** Methods that change nothing: no CSRF token needed (the gateway keeps them side-effect free). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method.toUpperCase());

/** A fresh CSRF token: 256 random bits, base64url. */
export const newCsrfToken = (): string => randomBytes(32).toString('base64url');

/**
 * Compares a presented token with the session's in constant time: both are hashed first, so
 * neither their lengths nor the first differing byte show in the timing.
 */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

export type CsrfVerdict = { ok: true } | { ok: false; header: 'X-CSRF-Token' | 'Origin'; detail: string };

/**
 * A session's state-changing request must carry `X-CSRF-Token` equal to the session's token and,
 * when the browser sends `Origin`, come from the gateway's own origin (`null` included: refused).
 */
export function checkCsrf(method: string, headers: { token?: string | string[]; origin?: string | string[] }, csrfToken: string, publicOrigin: string): CsrfVerdict {
  if (isSafeMethod(method)) return { ok: true };
  const origin = headers.origin;
  if (origin !== undefined && (Array.isArray(origin) || origin !== publicOrigin)) {
    return { ok: false, header: 'Origin', detail: `is not this gateway's origin (${publicOrigin})` };
  }
  const token = headers.token;
  if (token === undefined) return { ok: false, header: 'X-CSRF-Token', detail: 'is missing: send the csrfToken of GET /v1/me' };
  if (Array.isArray(token) || !sameSecret(token, csrfToken)) return { ok: false, header: 'X-CSRF-Token', detail: "does not match this session's token" };
  return { ok: true };
}

/** 403 `csrf-refused`: nothing was done, and the header at fault is named. */
export const csrfRefused = (verdict: Exclude<CsrfVerdict, { ok: true }>): Problem =>
  new Problem(403, 'csrf-refused', 'The request was refused as a possible cross-site request forgery.',
    `${verdict.header} ${verdict.detail}. Nothing was changed.`, [{ header: verdict.header, detail: verdict.detail }]);
