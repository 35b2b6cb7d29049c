import { MIMEType } from 'node:util';
import { Problem } from '../problem.ts';
import { parseJsonBody } from '../request-body.ts';

/** What `POST /auth/api-key` was sent. */
export interface ApiKeySignInBody {
  apiKey: string;
  returnTo?: string;
}

/** The largest body accepted: a key, a return path, their names. */
export const API_KEY_SIGN_IN_BODY_BYTES = 8192;
const KEY_MAX = 512;
const RETURN_TO_MAX = 2048;


const mediaType = (detail: string) => new Problem(415, 'unsupported-media-type', 'Send a form or JSON.',
  'The body must be application/x-www-form-urlencoded (the sign-in form) or application/json, in UTF-8.', [{ header: 'Content-Type', detail }]);

const field = (pointer: string, detail: string) => new Problem(400, 'invalid-request', 'The request is not valid.', `${pointer.slice(1) || 'The body'} ${detail}.`, [{ pointer, detail }]);

/**
 * Reads the sign-in body strictly: a form (`apiKey`, `returnTo`, each at most once, nothing else)
 * or JSON `{ apiKey, returnTo? }`, in UTF-8. Anything else is a problem naming the field or header;
 * no problem ever quotes the key.
 */
export function parseApiKeySignInBody(contentType: string | undefined, bytes: Uint8Array): ApiKeySignInBody {
  let type: MIMEType;
  try {
    type = new MIMEType(contentType ?? '');
  } catch {
    throw mediaType(contentType ? 'is not a media type' : 'is missing');
  }
  const charset = type.params.get('charset');
  if (charset !== null && !/^utf-?8$/i.test(charset)) throw mediaType('names a charset other than utf-8');
  if (type.essence === 'application/json') return fields(jsonFields(json(bytes)));
  if (type.essence !== 'application/x-www-form-urlencoded') throw mediaType(`is ${type.essence}, expected a form or application/json`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Problem(400, 'invalid-request', 'The body is not valid UTF-8.');
  }
  const seen = new Map<string, unknown>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (name !== 'apiKey' && name !== 'returnTo') throw OTHER_FIELDS;
    if (seen.has(name)) throw field(`/${name}`, 'is given more than once');
    seen.set(name, value);
  }
  return fields(seen);
}

// Names the body holds are not quoted back: someone may have pasted a key where a name goes.
const OTHER_FIELDS = new Problem(400, 'invalid-request', 'The request is not valid.', 'The body may hold only apiKey and returnTo.', [{ pointer: '', detail: 'may hold only apiKey and returnTo' }]);

/** The JSON body; a syntax error is not described, as the parser's message quotes the text (the key). */
function json(bytes: Uint8Array): unknown {
  try {
    return parseJsonBody(bytes);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    throw new Problem(400, 'malformed-json', 'The body is not valid JSON.', 'The body is not valid JSON (or breaks its size, depth or text limits).', [{ pointer: '', detail: 'is not valid JSON' }]);
  }
}

function jsonFields(value: unknown): Map<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw field('', 'must be an object { apiKey, returnTo? }');
  const entries = Object.entries(value);
  if (entries.some(([name]) => name !== 'apiKey' && name !== 'returnTo')) throw OTHER_FIELDS;
  return new Map(entries);
}

function fields(seen: Map<string, unknown>): ApiKeySignInBody {
  const apiKey = seen.get('apiKey');
  if (apiKey === undefined || apiKey === '') throw field('/apiKey', 'is required');
  if (typeof apiKey !== 'string') throw field('/apiKey', 'must be a string');
  if (apiKey.length > KEY_MAX) throw field('/apiKey', `must be at most ${KEY_MAX} characters`);
  const returnTo = seen.get('returnTo');
  if (returnTo !== undefined && typeof returnTo !== 'string') throw field('/returnTo', 'must be a string');
  if (returnTo !== undefined && returnTo.length > RETURN_TO_MAX) throw field('/returnTo', `must be at most ${RETURN_TO_MAX} characters`);
  return { apiKey, ...(returnTo !== undefined ? { returnTo } : {}) };
}
