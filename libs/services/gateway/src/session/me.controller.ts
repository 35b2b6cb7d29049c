import { Controller, Get, Header, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyGuard, CurrentCaller, type AuthedRequest, type Caller } from '../auth.ts';
import { checker, emptyQuery } from '../request-schemas.ts';

const parseNone = checker<Record<string, never>>(emptyQuery, 'query');

/** Who the caller is, for the console (and any API key holder): `GET /v1/me` (docs/api.md). */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class MeController {
  @Get('me')
  @Header('Cache-Control', 'no-store')
  me(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown, @Req() req: Request) {
    parseNone(rawQuery);
    const { id, name, kind, groups, roles } = caller.principal;
    const session = (req as AuthedRequest).consoleSession;
    return {
      principal: { id, ...(name !== undefined ? { name } : {}), kind, groups: [...groups], roles: [...roles] },
      via: caller.via,
      identity: caller.identity,
      ...(session ? { csrfToken: session.csrfToken, signOutUrl: '/auth/logout', unsyncedGroups: session.unsyncedGroups } : {}),
    };
  }
}
