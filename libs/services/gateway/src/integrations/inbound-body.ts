import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { readRawBody } from '../request-body.ts';

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
 * Reads the raw body of an already authenticated (Teams) or to-be-verified (Slack) request:
 * its media type first, then the bytes, bounded and never inflated (request-body.ts).
 */
export async function readBody(req: Request, res: Response, rules: BodyRules): Promise<Buffer> {
  checkContentType(req, rules);
  return readRawBody(req, res, rules.limit);
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
