/** Where the console lives; sign-in only ever sends the browser back somewhere under it. */
export const CONSOLE_PATH = '/console';

const BASE = 'http://gateway.invalid';

/**
 * The path to return to after sign-in: `raw` when it is a path under /console (query and fragment
 * kept), else /console. Never another origin (`//evil`, `/\evil`, `https:…`), never a path that
 * dot-segments or encoded slashes take out of /console: no open redirect.
 */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return CONSOLE_PATH;
  // Only a plain path: a browser reads `\` as `/` and drops tabs and newlines, so refuse them all.
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return CONSOLE_PATH;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return CONSOLE_PATH;
  }
  if (url.origin !== BASE) return CONSOLE_PATH;
  const path = url.pathname;
  if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return CONSOLE_PATH;
  // %2f, %5c and %2e segments would be read again by whatever serves the path; none belong here.
  if (/%(2f|5c|2e)/i.test(path) || path.includes('//')) return CONSOLE_PATH;
  return `${path}${url.search}${url.hash}`;
}
