import express, { type Request, type Response } from 'express';
import { Problem } from '../problem.ts';

/** What one chat endpoint takes as a body, checked before a byte of it is read. */
export interface BodyRules {
  /** Largest body read, in bytes; a larger one is refused with 413 (before reading, when Content-Length says so). */
  limit: number;
  /** Media types accepted (`type-is` syntax), e.g. `application/json`. */
  types: string[];
  /** Said in the 415 answer: what the endpoint expects. */
  expected: string;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * Reads the raw body of an already authenticated (Teams) or to-be-verified (Slack) request with
 * Express's own raw parser: bounded, never inflated (a compressed bomb is refused with 415, not
 * expanded), and every refusal a problem naming what was wrong. No body gives an empty buffer.
 */
export async function readBody(req: Request, res: Response, rules: BodyRules): Promise<Buffer> {
  checkContentType(req, rules);
  const parse = express.raw({ limit: rules.limit, type: () => true, inflate: false });
  try {
    await new Promise<void>((resolve, reject) => parse(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
  } catch (error) {
    throw bodyProblem(error, rules);
  }
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** The media type, and UTF-8 as the only charset (the bytes are hashed and decoded as UTF-8). */
function checkContentType(req: Request, rules: BodyRules): void {
  const header = req.headers['content-type'];
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  const charset = CHARSET.exec(header ?? '')?.[1]?.toLowerCase();
  if (!req.is(rules.types) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new Problem(415, 'unsupported-media-type', 'Unsupported content type.', rules.expected, [
      { header: 'Content-Type', detail: `is ${header === undefined ? 'missing' : JSON.stringify(header.slice(0, 100))}, expected ${rules.types.join(' or ')} (UTF-8)` },
    ]);
  }
}

/** body-parser's errors (http-errors with a `type`) as problems; anything else is ours and stays a 500. */
function bodyProblem(error: unknown, rules: BodyRules): unknown {
  const e = error as { type?: string; status?: number; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return new Problem(413, 'payload-too-large', 'The request body is too large.', `At most ${rules.limit} bytes are accepted here.`);
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
