import { sep } from 'node:path';

/**
 * Which file of the built console answers a path under /console, decided on the path alone (the
 * caller then looks at the disk). Pure, so the refusal of anything outside the console's
 * directory is tested on every input.
 */
export type ConsoleTarget =
  | { kind: 'file'; relative: string }
  | { kind: 'index' }
  | { kind: 'not-found' };

/** Vite writes hashed file names under assets/: those never change, so they are cached for a year. */
export const ASSETS_DIR = 'assets';

/**
 * `rest` is the request path after `/console`, still percent-encoded (e.g. `/assets/index-x.js`).
 * A path with a file extension names a file; any other path is a client route of the single-page
 * app and gets index.html. Anything malformed, hidden or climbing out is not found.
 */
export function consoleTarget(rest: string): ConsoleTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return { kind: 'not-found' };
  }
  if (/[\0\\]/.test(decoded)) return { kind: 'not-found' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return { kind: 'not-found' };
  if (segments.length === 0) return { kind: 'index' };
  const last = segments[segments.length - 1];
  const isFile = /\.[A-Za-z0-9]{1,8}$/.test(last);
  if (segments[0] === ASSETS_DIR || isFile) {
    if (segments.length === 1 && last === 'index.html') return { kind: 'index' };
    return { kind: 'file', relative: segments.join(sep) };
  }
  return { kind: 'index' };
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
};

/** The Content-Type of a console file; what the console does not ship is sent as bytes. */
export function contentType(relative: string): string {
  const ext = relative.slice(relative.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}

/** Long cache for hashed assets, revalidation for anything else the console ships. */
export function cacheControl(relative: string): string {
  return relative.startsWith(ASSETS_DIR + sep) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The console's headers on every answer under /console. The CSP allows scripts, styles and calls
 * to this origin only (no inline script, no eval) and no framing (clickjacking of approvals).
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
