import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Directory, Principal } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import type { Request } from 'express';
import { Problem } from './problem.ts';

export interface Caller {
  principal: Principal;
  /** The linked identity the request came in under: `apikey:<key id>`. */
  identity: string;
}

type AuthedRequest = Request & { caller?: Caller };

/** Every /v1 call carries `Authorization: Bearer <api key>`; keys are compared by hash only. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(DIRECTORY) private readonly directory: Directory) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) {
      throw new Problem(401, 'unauthenticated', 'Authentication is required.',
        header ? 'The Authorization header must be "Bearer <api key>".' : 'Send your API key as "Authorization: Bearer <api key>".',
        [{ header: 'Authorization', detail: header ? 'is not a bearer token' : 'is missing' }], {});
    }
    const found = this.directory.authenticate(match[1]);
    if (!found) {
      throw new Problem(401, 'unauthenticated', 'Authentication is required.', 'The API key is not known.',
        [{ header: 'Authorization', detail: 'holds an unknown API key' }]);
    }
    req.caller = { principal: found.principal, identity: `apikey:${found.keyId}` };
    return true;
  }
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthedRequest>().caller;
  if (!caller) throw new Problem(401, 'unauthenticated', 'Authentication is required.');
  return caller;
});
