import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, isDecided, type ActionView, type StoredEvent } from '@countersign/audit';
import { POLICY_PUBLISH_ACTION, verifyChain, type ActionEvent, type OutboundAllow } from '@countersign/contracts';
import { READ_MODEL_STORE, type Filter, type ReadModelStore } from '@countersign/readmodel';
import type { Response } from 'express';
import { ActionWaiter } from './action-waiter.ts';
import { ApiKeyGuard, canReadAll, CurrentCaller, type Caller } from './auth.ts';
import { OUTBOUND_ALLOW } from './outbound-allow.ts';
import { Problem, badRequest } from './problem.ts';
import { Proposer } from './proposer.ts';
import { callbackUrlProblem, checker, getActionQuery, listActionsQuery, proposeActionBody } from './request-schemas.ts';
import { decodeCursor, encodeCursor, parseWait, presentAction } from './views.ts';

const MAX_LONG_POLL_MS = 60_000;

interface ProposeBody { action: string; resource: string; params?: Record<string, unknown>; justification?: string; context?: Record<string, unknown>; callbackUrl?: string }
interface ListQuery { status?: string; requester?: string; action?: string; approver?: 'me'; review?: 'pending'; limit?: string; cursor?: string }

const parsePropose = checker<ProposeBody>(proposeActionBody, 'body');
const parseList = checker<ListQuery>(listActionsQuery, 'query');
const parseGet = checker<{ wait?: string }>(getActionQuery, 'query');
const canSee = (caller: Caller, view: ActionView) => canReadAll(caller.principal) || view.involved.includes(caller.principal.id);

@Controller('v1/actions')
@UseGuards(ApiKeyGuard)
export class ActionsController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(Proposer) private readonly proposer: Proposer,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(OUTBOUND_ALLOW) private readonly outboundAllow: OutboundAllow,
  ) {}

  @Post()
  async propose(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const body = parsePropose(raw);
    const badCallback = body.callbackUrl !== undefined ? callbackUrlProblem(body.callbackUrl, this.outboundAllow) : undefined;
    if (badCallback) throw badRequest([{ pointer: '/callbackUrl', detail: badCallback }]);
    // A policy change proposed here would skip the checks of its files: one way in, /v1/policies.
    if (body.action === POLICY_PUBLISH_ACTION) {
      throw new Problem(422, 'use-policies-endpoint', 'Propose policy changes with POST /v1/policies.',
        `${POLICY_PUBLISH_ACTION} actions are created by POST /v1/policies, which validates the policy files first.`,
        [{ pointer: '/action', detail: `may not be ${POLICY_PUBLISH_ACTION} here; use POST /v1/policies` }]);
    }
    return this.proposer.propose(caller, body, body, key, res);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    const q = parseList(rawQuery);
    const me = caller.principal.id;
    const and: Filter[] = [];
    if (!canReadAll(caller.principal)) and.push({ involved: me });
    if (q.status) and.push({ status: q.status });
    if (q.requester) and.push({ requester: q.requester === 'me' ? me : q.requester });
    if (q.action) and.push({ action: q.action });
    if (q.approver === 'me') and.push({ status: 'pending', 'approval.eligible': me, 'votes.voter': { $ne: me } });
    // Break-glass approvals still awaiting their review; reviewers are `involved`, so they find theirs.
    if (q.review === 'pending') and.push({ 'review.status': 'requested' });
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    if (after) and.push({ $or: [{ createdAt: { $lt: after[0] } }, { createdAt: after[0], _id: { $lt: after[1] } }] });
    const limit = Number(q.limit ?? 50);
    const rows = await this.store.collection<ActionView>(COLLECTIONS.actions)
      .find(and.length ? { $and: and } : {}, { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(presentAction),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last._id]) : null,
    };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown) {
    const q = parseGet(rawQuery);
    const waitMs = parseWait(q.wait, MAX_LONG_POLL_MS);
    const view = await this.visible(caller, id);
    const latest = isDecided(view) ? view : await this.waiter.until(id, (v) => !!v && isDecided(v), waitMs);
    return presentAction(latest ?? view);
  }

  @Get(':id/events')
  @HttpCode(200)
  async events(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown) {
    checker(getActionQuery, 'query')(rawQuery);
    await this.visible(caller, id);
    const stored = await this.store.collection<StoredEvent>(COLLECTIONS.events)
      .find({ streamId: id }, { sort: { seq: 1 } });
    const events = stored.map(({ _id, eventId, ...rest }) => ({ ...rest, id: eventId }) as unknown as ActionEvent);
    const chain = verifyChain(events);
    return { actionId: id, chain: chain.ok ? { valid: true, head: chain.head } : { valid: false, seq: chain.seq, problem: chain.problem }, events };
  }

  private async visible(caller: Caller, id: string): Promise<ActionView> {
    const view = await this.waiter.get(id);
    // An action the caller may not see is reported as absent, so ids reveal nothing.
    if (!view || !canSee(caller, view)) throw new Problem(404, 'action-not-found', 'No such action.', `There is no action ${id} that you can see.`);
    return view;
  }
}
