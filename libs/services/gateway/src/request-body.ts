import { MIMEType } from 'node:util';
import express, { type Request, type Response } from 'express';
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

/**
 * The raw body, at most `limit` bytes, with Express's own raw parser: Content-Length checked
 * before a byte is read, never inflated (a compressed bomb is refused with 415, not expanded), and
 * every refusal a problem naming what was wrong. No body gives an empty buffer.
 */
export async function readRawBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  const parse = express.raw({ limit, type: () => true, inflate: false });
  try {
    await new Promise<void>((resolve, reject) => parse(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
  } catch (error) {
    throw bodyProblem(error, limit);
  }
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** body-parser's errors (http-errors with a `type`) as problems; anything else is ours and stays a 500. */
function bodyProblem(error: unknown, limit: number): unknown {
  const e = error as { type?: string; status?: number; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return new Problem(413, 'payload-too-large', 'The request body is too large.', `At most ${limit} bytes are accepted here.`);
    case 'encoding.unsupported':
      return new Problem(415, 'unsupported-media-type', 'Unsupported content encoding.', 'Send the body uncompressed.', [
        { header: 'Content-Encoding', detail: 'must be identity (absent): compressed bodies are not accepted' },
      ]);
    case 'request.size.invalid':
      return new Problem(400, 'invalid-request', 'The body is not as long as Content-Length says.', undefined, [
        { header: 'Content-Length', detail: 'does not match the body received' },
      ]);
    case 'request.aborted':
      return new Problem(400, 'invalid-request', 'The request was aborted before its body was received.');
    default:
      if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new Problem(e.status, 'invalid-request', 'The body could not be read.', e.message);
      return error;
  }
}
