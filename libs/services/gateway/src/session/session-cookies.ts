import { createHash, randomBytes } from 'node:crypto';
import { serialize } from 'cookie';

/** 256 random bits, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh secret for a cookie (session or login transaction); only its digest is stored. */
export const newCookieToken = (): string => randomBytes(32).toString('base64url');

/** What the store keeps instead of the token: a stolen store gives no cookie to present. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'ascii').digest('hex');

export interface CookieNames {
  session: string;
  login: string;
}

/**
 * On https the session cookie is `__Host-` (Secure, Path=/, no Domain: a sibling host cannot set
 * or shadow it) and the login cookie `__Secure-`; plain http (a loopback development set-up) can
 * have neither prefix.
 */
export const cookieNames = (secure: boolean): CookieNames => secure
  ? { session: '__Host-countersign-session', login: '__Secure-countersign-login' }
  : { session: 'countersign-session', login: 'countersign-login' };

/** Every value the Cookie header gives `name` (a browser may send several: other paths, tossing). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header.split(';').flatMap((part) => {
    const eq = part.indexOf('=');
    return eq > 0 && part.slice(0, eq).trim() === name ? [part.slice(eq + 1).trim()] : [];
  });
}

/**
 * The one well-formed token the Cookie header carries under `name`; undefined when there is none,
 * a malformed one, or several (which one the browser meant is not ours to guess: fail closed).
 */
export function cookieToken(header: string | undefined, name: string): string | undefined {
  const values = cookieValues(header, name);
  return values.length === 1 && TOKEN.test(values[0]) ? values[0] : undefined;
}

export interface CookieOptions {
  path: '/' | '/auth';
  secure: boolean;
  /** Seconds; 0 clears the cookie. */
  maxAge: number;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax (the IdP's redirect back is a top-level GET). */
export function setCookie(name: string, token: string, options: CookieOptions): string {
  return serialize(name, token, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path, maxAge: options.maxAge });
}

export const clearCookie = (name: string, options: Omit<CookieOptions, 'maxAge'>): string => setCookie(name, '', { ...options, maxAge: 0 });
