import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, findStanding, type StandingView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { readsAll } from '@countersign/identity';
import type { ReadModelStore } from '@countersign/readmodel';
import { CLOCK, type Clock } from '@countersign/runtime';
import type { Response } from 'express';
import { WAITING_ROOM } from '../action-waiter.ts';
import type { WaitingRoom } from '../answers/waiting-room.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { CommandSender } from '../commands.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { badRequest } from '../problem.ts';
import { checker, emptyQuery } from '../request-schemas.ts';
import { decodeCursor, encodeCursor, jsonBytes } from '../views.ts';
import { awaitRevocation, mayRevoke, presentStanding, revocationProblem, visibleStanding } from './standing-views.ts';

interface ListQuery { requester?: string; action?: string; status?: 'active'; limit?: string; cursor?: string }

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const parseList = checker<ListQuery>({
  type: 'object',
  additionalProperties: false,
  properties: {
    requester: id, action: id, status: { const: 'active' },
    limit: { type: 'string', pattern: '^(?:[1-9]\\d{0,2}|1000)$' }, cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,512}$' },
  },
}, 'query');
const parseNone = checker<Record<string, never>>(emptyQuery, 'query');
const parseRevoke = checker<{ reason?: string }>({
  type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } },
}, 'body');

/**
 * Standing approvals (ADR 0004): listed and read from their read model, revoked by a command to the
 * requester's ledger. Who may see one: its requester (and the human an agent acts for), its
 * grantors, the eligible approvers of the action it came from, auditors and admins; anyone else
 * gets 404 as for an id that does not exist. Who may revoke: a grantor, one of those eligible
 * approvers, or an admin.
 */
@Controller('v1/standing-approvals')
@UseGuards(ApiKeyGuard)
export class StandingApprovalsController {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(WAITING_ROOM) private readonly room: WaitingRoom,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get views() {
    return this.store.collection<StandingView>(COLLECTIONS.standing);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    const q = parseList(rawQuery);
    const me = caller.principal.id;
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    const now = this.clock.now();
    const page = await findStanding(this.views, {
      viewer: me,
      readsAll: readsAll(caller.principal),
      ...(q.requester ? { requester: q.requester === 'me' ? me : q.requester } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.status === 'active' ? { activeAt: now } : {}),
    }, { limit: Number(q.limit ?? 50), maxBytes: this.limits.pageBytes, ...(after ? { after } : {}) }, (view) => jsonBytes(presentStanding(view, now)));
    return { items: page.rows.map((view) => presentStanding(view, now)), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') standingId: string, @Query() rawQuery: unknown) {
    parseNone(rawQuery);
    return presentStanding(await visibleStanding(this.views, caller, standingId), this.clock.now());
  }

  /**
   * Revokes it: a `RevokeStandingApproval` to the requester's ledger, watched before it is sent, and
   * answered with the standing approval as the ledger's event leaves it (200), or 202 when the
   * answer does not come in time. No later proposal is approved under it once it is revoked.
   */
  @Delete(':id')
  @HttpCode(200)
  async revoke(@CurrentCaller() caller: Caller, @Param('id') standingId: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseRevoke(raw);
    const view = await visibleStanding(this.views, caller, standingId);
    const now = this.clock.now();
    if (!mayRevoke(caller.principal, view)) throw revocationProblem('not-allowed', view, caller.principal.id, now);
    const closed = view.revoked ? 'revoked' : now.getTime() >= Date.parse(view.expiresAt) ? 'expired' : undefined;
    if (closed) throw revocationProblem(closed, view, caller.principal.id, now);
    const answer = await awaitRevocation(this.room, view, this.limits.answerWaitMs, () =>
      this.commands.send('RevokeStandingApproval', view.ledgerId, caller.principal, { standingId, by: caller.principal.id, ...(body.reason ? { reason: body.reason } : {}) }));
    if (answer) return presentStanding(answer, this.clock.now());
    const latest = (await this.views.get(standingId)) ?? view;
    if (latest.revoked) return presentStanding(latest, this.clock.now());
    res.status(202).location(`/v1/standing-approvals/${standingId}`);
    return { id: standingId, status: 'revoking', detail: 'Queued; the revocation will show on the standing approval.' };
  }
}
