import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, isDecided, type ActionView, type StoredEvent } from '@countersign/audit';
import { contentHash, verifyChain, type ActionEvent } from '@countersign/contracts';
import { READ_MODEL_STORE, type Filter, type ReadModelStore } from '@countersign/readmodel';
import type { Response } from 'express';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { ActionWaiter } from './action-waiter.ts';
import { ApiKeyGuard, canReadAll, CurrentCaller, type Caller } from './auth.ts';
import { CommandSender } from './commands.ts';
import { Problem, badRequest } from './problem.ts';
import { checker, getActionQuery, listActionsQuery, proposeActionBody } from './request-schemas.ts';
import { decodeCursor, encodeCursor, parseWait, presentAction } from './views.ts';

/** Idempotency keys map to action ids deterministically, per requester, so retries converge. */
const IDEMPOTENCY_NAMESPACE = '6f1c7d2e-9a43-4c55-8b1e-3c0f2b7d9e10';
const PROPOSAL_WAIT_MS = 10_000;
const MAX_LONG_POLL_MS = 60_000;

interface ProposeBody { action: string; resource: string; params?: Record<string, unknown>; justification?: string; context?: Record<string, unknown> }
interface ListQuery { status?: string; requester?: string; action?: string; approver?: 'me'; limit?: string; cursor?: string }

const parsePropose = checker<ProposeBody>(proposeActionBody, 'body');
const parseList = checker<ListQuery>(listActionsQuery, 'query');
const parseGet = checker<{ wait?: string }>(getActionQuery, 'query');
const canSee = (caller: Caller, view: ActionView) => canReadAll(caller.principal) || view.involved.includes(caller.principal.id);

@Controller('v1/actions')
@UseGuards(ApiKeyGuard)
export class ActionsController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {}

  @Post()
  async propose(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const body = parsePropose(raw);
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw badRequest([{ header: 'Idempotency-Key', detail: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const requestHash = contentHash(body);
    const actionId = key ? uuidv5(`${caller.principal.id}\n${key}`, IDEMPOTENCY_NAMESPACE) : uuidv7();
    if (key) {
      const existing = await this.waiter.get(actionId);
      if (existing) return this.replay(existing, requestHash, res);
    }
    const p = caller.principal;
    await this.commands.send('ProposeAction', actionId, caller, {
      action: body.action,
      resource: body.resource,
      params: body.params ?? {},
      paramsHash: contentHash(body.params ?? {}),
      requestHash,
      ...(body.justification !== undefined ? { justification: body.justification } : {}),
      ...(body.context !== undefined ? { context: body.context } : {}),
      requester: { id: p.id, kind: p.kind === 'agent' ? 'agent' : 'human', identities: [...p.identities, caller.identity], ...(p.owner ? { onBehalfOf: p.owner } : {}) },
      ...(key ? { idempotencyKey: key } : {}),
    });
    const view = await this.waiter.until(actionId, (v) => !!v && v.status !== 'proposed', PROPOSAL_WAIT_MS);
    res.location(`/v1/actions/${actionId}`);
    if (!view) {
      res.status(202);
      return { id: actionId, status: 'proposed', links: { self: `/v1/actions/${actionId}` } };
    }
    if (view.requestHash !== requestHash) return this.replay(view, requestHash, res);
    res.status(201);
    return presentAction(view);
  }

  /** Same Idempotency-Key: same body gives the same action back; another body is a conflict. */
  private replay(existing: ActionView, requestHash: string, res: Response) {
    if (existing.requestHash !== requestHash) {
      throw new Problem(409, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request.',
        `Action ${existing._id} was proposed with this key and another body; use a new key for a new action.`,
        [{ header: 'Idempotency-Key', detail: 'was already used with a different body' }]);
    }
    res.status(200).location(`/v1/actions/${existing._id}`).set('Idempotent-Replayed', 'true');
    return presentAction(existing);
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
