import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { checker, emptyQuery } from '../request-schemas.ts';
import { EventStreams } from './event-streams.ts';
import { parseFeedPosition, parseSeqId } from './last-event-id.ts';

const parseNone = checker<Record<string, never>>(emptyQuery, 'query');
const parseFeed = checker<{ approver: 'me' }>({
  type: 'object',
  required: ['approver'],
  additionalProperties: false,
  properties: { approver: { const: 'me' } },
}, 'query');

/**
 * Server-Sent Events (docs/api.md#server-sent-events): an action's events as they happen, and an
 * approver's feed of requests and decisions. Authenticated and refused like every /v1 read: the
 * query and `Last-Event-ID` are checked before a stream takes a slot, an action the caller may not
 * see is 404 as for `GET /v1/actions/:id`, and nothing is written before the stream can begin.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class StreamsController {
  constructor(@Inject(EventStreams) private readonly streams: EventStreams) {}

  @Get('actions/:id/stream')
  async action(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    parseNone(rawQuery);
    const after = parseSeqId(req.headers['last-event-id']);
    await this.streams.action(caller, id, after, req, res);
  }

  @Get('stream')
  async feed(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    parseFeed(rawQuery);
    const position = parseFeedPosition(req.headers['last-event-id']);
    await this.streams.approverFeed(caller, position, req, res);
  }
}
