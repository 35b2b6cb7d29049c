import { MIMEType } from 'node:util';
import { parseStrictJson, RECORD_LIMITS } from '@countersign/contracts';
import { badRequest, Problem } from './problem.ts';

/**
 * The rules every request body meets before any handler sees it: JSON in UTF-8, strictly parsed
 * (no duplicate keys, bounded depth and size, well-formed text). Per-field bounds (`params`,
 * `context`) are the handlers' (request-schemas.ts); this is the whole body's envelope, as loose
 * as a log record (the body becomes one) and bounded by the route's byte limit anyway.
 */

const UTF8 = new Set(['utf-8', 'utf8']);

const mediaType = (detail: string) =>
  new Problem(415, 'unsupported-media-type', 'Send JSON in UTF-8.', 'The body must be application/json, in UTF-8.', [{ header: 'Content-Type', detail }]);

/** Why a body with this Content-Type is refused, or undefined when it is JSON in UTF-8. */
export function contentTypeProblem(header: string | undefined): Problem | undefined {
  if (header === undefined || header.trim() === '') return mediaType('is missing, expected application/json');
  let type: MIMEType;
  try {
    type = new MIMEType(header);
  } catch {
    return mediaType(`is not a media type (${JSON.stringify(header.slice(0, 100))}), expected application/json`);
  }
  const json = type.essence === 'application/json' || (type.type === 'application' && type.subtype.endsWith('+json'));
  if (!json) return mediaType(`is ${type.essence}, expected application/json`);
  const charset = type.params.get('charset');
  if (charset !== null && !UTF8.has(charset.toLowerCase())) return mediaType(`names the charset ${JSON.stringify(charset.slice(0, 40))}; only utf-8 is accepted`);
  return undefined;
}

/** The body's value, or a 400 naming where it breaks the rules. An empty body is no body. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  const parsed = parseStrictJson(bytes, RECORD_LIMITS);
  if (parsed.ok) return parsed.value;
  const errors = parsed.errors.map((e) => ({ pointer: e.pointer === '/' ? '' : e.pointer, detail: e.message }));
  const syntax = errors.find((e) => e.pointer === '' && /^is not valid (JSON|UTF-8)/.test(e.detail));
  if (syntax) throw new Problem(400, 'malformed-json', 'The body is not valid JSON.', `The body ${syntax.detail}.`, [syntax]);
  throw badRequest(errors);
}
