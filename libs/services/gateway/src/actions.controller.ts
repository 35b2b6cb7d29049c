import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, findActions, isDecided, type ActionView, type StoredEvent } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { POLICY_PUBLISH_ACTION, verifyChain, type ActionEvent, type OutboundAllow } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { timeProposalAnswer } from '@countersign/telemetry';
import type { Response } from 'express';
import { ActionWaiter } from './action-waiter.ts';
import { readsAll } from '@countersign/identity';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { JsonBody } from './json-body.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { OUTBOUND_ALLOW } from './outbound-allow.ts';
import { Problem, badRequest } from './problem.ts';
import { Proposer } from './proposer.ts';
import { checker, getActionQuery, listActionsQuery, parseProposal, proposeQuery } from './request-schemas.ts';
import { decodeCursor, encodeCursor, jsonBytes, parseWait, presentAction } from './views.ts';
import { canSee, isActionId, visibleAction } from './visibility.ts';
import type { ActionWatch } from './answers/action-watch.ts';
import { DelegatedVotes } from './delegations/index.ts';

const MAX_LONG_POLL_MS = 60_000;

interface ListQuery { status?: ActionView['status']; requester?: string; action?: string; approver?: 'me'; review?: 'pending'; limit?: string; cursor?: string }

const parseList = checker<ListQuery>(listActionsQuery, 'query');
const parseGet = checker<{ wait?: string }>(getActionQuery, 'query');
const parsePropose = checker<{ include?: 'grant' }>(proposeQuery, 'query');

@Controller('v1/actions')
@UseGuards(ApiKeyGuard)
export class ActionsController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(Proposer) private readonly proposer: Proposer,
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(OUTBOUND_ALLOW) private readonly outboundAllow: OutboundAllow,
    @Inject(DelegatedVotes) private readonly delegated: DelegatedVotes,
  ) {}

  @Post()
  @JsonBody({ metered: true })
  async propose(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Headers('idempotency-key') key: string | undefined, @Query() rawQuery: unknown, @Res({ passthrough: true }) res: Response) {
    const query = parsePropose(rawQuery);
    const body = parseProposal(raw, this.outboundAllow);
    // A policy change proposed here would skip the checks of its files: one way in, /v1/policies.
    if (body.action === POLICY_PUBLISH_ACTION) {
      throw new Problem(422, 'use-policies-endpoint', 'Propose policy changes with POST /v1/policies.',
        `${POLICY_PUBLISH_ACTION} actions are created by POST /v1/policies, which validates the policy files first.`,
        [{ pointer: '/action', detail: `may not be ${POLICY_PUBLISH_ACTION} here; use POST /v1/policies` }]);
    }
    return timeProposalAnswer(res, () => this.proposer.propose(caller, body, body, key, res, { includeGrant: query.include === 'grant' }));
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    const q = parseList(rawQuery);
    const me = caller.principal.id;
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    const page = await findActions(this.store.collection<ActionView>(COLLECTIONS.actions), {
      viewer: me,
      readsAll: readsAll(caller.principal),
      ...(q.status ? { status: q.status } : {}),
      ...(q.requester ? { requester: q.requester === 'me' ? me : q.requester } : {}),
      ...(q.action ? { action: q.action } : {}),
      // With the queues of the delegators whose votes the caller may cast now (ADR 0010).
      ...(q.approver === 'me' ? { awaitingVoteBy: me, awaitingVoteFor: await this.delegated.delegatorsOf(me) } : {}),
      ...(q.review === 'pending' ? { reviewPending: true } : {}),
    }, { limit: Number(q.limit ?? 50), maxBytes: this.limits.pageBytes, ...(after ? { after } : {}) }, (view) => jsonBytes(presentAction(view)));
    return { items: page.rows.map(presentAction), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown) {
    const q = parseGet(rawQuery);
    const waitMs = parseWait(q.wait, MAX_LONG_POLL_MS);
    // A delegate reads the actions they may vote on for a delegator (ADR 0010).
    if (waitMs === 0) return presentAction(await this.delegated.visibleAction(this.waiter, caller, id));
    // A long poll: watched before the view is read, so the decision cannot pass unseen; woken by
    // the follower of the events topic.
    return this.waiter.watching(id, async (watch) => {
      const deadline = Date.now() + waitMs;
      const view = await visibleAction(this.waiter, caller, id).catch((error: unknown) => appeared(error, id, watch, caller, deadline));
      return presentAction(isDecided(view) ? view : await watch.decided(Math.max(0, deadline - Date.now()), view));
    });
  }

  @Get(':id/events')
  @HttpCode(200)
  async events(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown) {
    parseGet(rawQuery);
    await visibleAction(this.waiter, caller, id);
    const stored = await this.store.collection<StoredEvent>(COLLECTIONS.events)
      .find({ streamId: id }, { sort: { seq: 1 } });
    const events = stored.map(({ _id, eventId, ...rest }) => ({ ...rest, id: eventId }) as unknown as ActionEvent);
    const chain = verifyChain(events);
    return { actionId: id, chain: chain.ok ? { valid: true, head: chain.head } : { valid: false, seq: chain.seq, problem: chain.problem }, events };
  }
}

/**
 * A long poll on an action that does not exist yet: a proposal accepted (202) that the policy
 * evaluator has not handled. It waits for the action to appear; one the caller may not see (or
 * none) is a 404 at the end of the wait, as for any other id, so timing reveals nothing either.
 */
async function appeared(notFound: unknown, id: string, watch: ActionWatch, caller: Caller, deadline: number): Promise<ActionView> {
  if (!(notFound instanceof Problem) || notFound.status !== 404 || !isActionId(id)) throw notFound;
  const view = await watch.appearance(Math.max(0, deadline - Date.now()));
  if (view && canSee(caller.principal, view)) return view;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())));
  throw notFound;
}
