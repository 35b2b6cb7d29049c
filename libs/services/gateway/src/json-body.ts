import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { Reflector } from '@nestjs/core';
import type { GatewayLimits } from '@countersign/config';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { Caller } from './auth.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { ProposalQuotas } from './quotas.ts';
import { contentTypeProblem, parseJsonBody, readRawBody } from './request-body.ts';

export interface JsonBodyOptions {
  /** `policy`: the larger limit of `POST /v1/policies`; otherwise the default body limit. */
  limit?: 'policy';
  /** The body is a proposal: its bytes are charged to the requester's allowance. */
  metered?: boolean;
}

const JSON_BODY = 'countersign:json-body';

/** Declares how a route's body is read (a route without it gets the default limit, unmetered). */
export const JsonBody = (options: JsonBodyOptions) => SetMetadata(JSON_BODY, options);

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * True when the handler takes `@Body()` (Nest's route-argument metadata says so): only those get a
 * body read for them. Handlers that read their own (the chat endpoints, which check a signature or
 * a token on the raw bytes first) take `@Req()` and are left alone.
 */
function takesBody(context: ExecutionContext): boolean {
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
}

/**
 * Reads request bodies after the guards, so a caller is authenticated (API key) before a byte of
 * its body is read or parsed. Then: the media type must be JSON in UTF-8 (415 naming the header);
 * the body is read up to the route's limit (413), uncompressed; a proposal's bytes are charged to
 * its requester (429); and it is parsed strictly (400 naming the field). Only handlers that take
 * `@Body()` have a body read for them; a body an express parser already read is left alone.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ProposalQuotas) private readonly quotas: ProposalQuotas,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { caller?: Caller }>();
    if (!takesBody(context) || req.body !== undefined || !hasBody(req)) return next.handle();
    const options = this.reflector.get<JsonBodyOptions | undefined>(JSON_BODY, context.getHandler()) ?? {};
    const problem = contentTypeProblem(req.headers['content-type']);
    if (problem) throw problem;
    const limit = options.limit === 'policy' ? this.limits.policyBodyBytes : this.limits.bodyBytes;
    const bytes = await readRawBody(req, http.getResponse<Response>(), limit);
    if (options.metered && req.caller) this.quotas.chargeBytes(req.caller.principal.id, bytes.length);
    req.body = parseJsonBody(bytes);
    return next.handle();
  }
}
