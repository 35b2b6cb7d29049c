import { HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
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
  ) {
    super(detail ?? title);
  }
}

export const PROBLEM_BASE = 'https://countersign.dev/problems/';

export const badRequest = (errors: InvalidParam[], detail = errors.map((e) => `${e.pointer ?? e.parameter ?? e.header}: ${e.detail}`).join('; ')) =>
  new Problem(400, 'invalid-request', 'Your request is not valid.', detail, errors);

function render(res: Response, instance: string, p: Problem): void {
  if (p.status === 401) res.set('WWW-Authenticate', 'Bearer realm="countersign"');
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
  404: ['not-found', 'Not found.'],
  405: ['method-not-allowed', 'Method not allowed.'],
  413: ['payload-too-large', 'The request body is too large.'],
};

/** Turns anything thrown into problem+json; internal errors are logged, never leaked. */
export function toProblem(error: unknown, logger: Logger): Problem {
  if (error instanceof Problem) return error;
  const e = error as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return new Problem(400, 'malformed-json', 'The body is not valid JSON.', e.message, [{ pointer: '', detail: 'is not valid JSON' }]);
  if (e?.type === 'entity.too.large') return new Problem(413, ...HTTP_CODES[413], e.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const [code, title] = HTTP_CODES[status] ?? ['http-' + status, error.message];
    return new Problem(status, code, title, error.message);
  }
  logger.error(`unhandled error: ${(error as Error)?.stack ?? String(error)}`);
  return new Problem(500, 'internal', 'Something went wrong on our side.', 'The error was logged; nothing you sent was lost or half-applied.');
}

export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    render(http.getResponse<Response>(), req.originalUrl, toProblem(error, this.logger));
  }
}

/** Express error middleware for failures before Nest routing (body parsing). */
export function problemMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  render(res, req.originalUrl, toProblem(error, new Logger('gateway')));
}
