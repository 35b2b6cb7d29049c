import { HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { escapeForLog } from '@countersign/telemetry';
import type { NextFunction, Request, Response } from 'express';

/** One invalid input: `pointer` (RFC 6901, into the JSON body) or `parameter` (query or header). */
export interface InvalidParam {
  detail: string;
  pointer?: string;
  parameter?: string;
  header?: string;
}

/** An RFC 9457 problem; thrown anywhere in the gateway, rendered by ProblemFilter. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: InvalidParam[],
    readonly extra: Record<string, unknown> = {},
    /** Response headers that go with the problem, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const PROBLEM_BASE = 'https://countersign.dev/problems/';

export const badRequest = (errors: InvalidParam[], detail = errors.map((e) => `${e.pointer ?? e.parameter ?? e.header}: ${e.detail}`).join('; ')) =>
  new Problem(400, 'invalid-request', 'Your request is not valid.', detail, errors);

/** How long a client should wait before retrying after the log or the read models failed. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The event log or the read models failed or were too slow: nothing was decided, try again later. */
export const unavailable = (what: 'event-log' | 'read-model', detail: string) =>
  new Problem(503, `${what}-unavailable`, what === 'event-log' ? 'The event log is not available.' : 'The read models are not available.',
    detail, undefined, {}, { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });

function render(res: Response, instance: string, p: Problem): void {
  if (p.status === 401) res.set('WWW-Authenticate', 'Bearer realm="countersign"');
  res.set(p.headers);
  res.status(p.status).type('application/problem+json').send(JSON.stringify({
    type: PROBLEM_BASE + p.code,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    instance,
    ...(p.errors?.length ? { errors: p.errors } : {}),
    ...p.extra,
  }));
}

const HTTP_CODES: Record<number, [string, string]> = {
  400: ['invalid-request', 'Your request is not valid.'],
  404: ['not-found', 'Not found.'],
  405: ['method-not-allowed', 'Method not allowed.'],
  413: ['payload-too-large', 'The request body is too large.'],
  415: ['unsupported-media-type', 'This media type is not accepted.'],
};

/** What express and body reading raise (http-errors): a client error, with a `type` for body faults. */
interface HttpError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  limit?: number;
  message?: string;
}

/** Body-reading failures, by their http-errors `type`, as problems naming what is at fault. */
function bodyProblem(e: HttpError): Problem | undefined {
  switch (e.type) {
    case 'entity.too.large':
      return new Problem(413, ...HTTP_CODES[413], `This endpoint accepts bodies of at most ${e.limit} bytes.`);
    case 'encoding.unsupported':
      return new Problem(415, 'unsupported-media-type', 'Send the body uncompressed.', 'Compressed request bodies are not accepted.',
        [{ header: 'Content-Encoding', detail: 'must be absent or identity' }]);
    case 'request.aborted':
      return new Problem(400, 'request-aborted', 'The request body was not sent completely.', 'The connection closed before the body ended.');
    case 'request.size.invalid':
      return badRequest([{ header: 'Content-Length', detail: 'does not match the body sent' }]);
    default:
      return undefined;
  }
}

/** Turns anything thrown into problem+json; internal errors are logged, never leaked. */
export function toProblem(error: unknown, logger: Logger): Problem {
  if (error instanceof Problem) return error;
  const e = (error ?? {}) as HttpError;
  const fromBody = bodyProblem(e);
  if (fromBody) return fromBody;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const [code, title] = HTTP_CODES[status] ?? ['http-' + status, error.message];
    return new Problem(status, code, title, error.message);
  }
  // Other client errors from express itself (e.g. a path parameter that does not decode).
  const status = e.status ?? e.statusCode;
  if (e.expose && status && status >= 400 && status < 500) {
    const [code, title] = HTTP_CODES[status] ?? ['http-' + status, 'Your request cannot be served.'];
    return new Problem(status, code, title);
  }
  logger.error(`unhandled error: ${escapeForLog((error as Error)?.stack ?? String(error), 4000)}`);
  return new Problem(500, 'internal', 'Something went wrong on our side.', 'The error was logged; nothing you sent was lost or half-applied.');
}

export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return void res.end();
    render(res, req.originalUrl, toProblem(error, this.logger));
  }
}

/** Express error middleware for failures before Nest routing. */
export function problemMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  render(res, req.originalUrl, toProblem(error, new Logger('gateway')));
}
