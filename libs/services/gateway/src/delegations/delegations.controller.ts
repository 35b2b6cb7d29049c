import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { delegationProblem } from '@countersign/approval';
import { COLLECTIONS, findDelegations, liveDelegationsOf, projectDelegation, type DelegationView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { delegationLedgerId, type ApprovalDelegatedData } from '@countersign/contracts';
import { readsAll, type Directory } from '@countersign/identity';
import type { ReadModelStore } from '@countersign/readmodel';
import { CLOCK, DIRECTORY, ID_SOURCE, type Clock, type IdSource } from '@countersign/runtime';
import type { Response } from 'express';
import { WAITING_ROOM } from '../action-waiter.ts';
import type { WaitingRoom } from '../answers/waiting-room.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { CommandSender } from '../commands.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { badRequest, Problem } from '../problem.ts';
import { checker } from '../request-schemas.ts';
import { decodeCursor, encodeCursor, jsonBytes } from '../views.ts';
import { awaitLedger, ledgerOf, mayRevokeDelegation, presentDelegation, visibleDelegation } from './delegation-views.ts';
import { delegateBody, listDelegationsQuery, revokeDelegationBody, type DelegateBody, type ListDelegationsQuery } from './delegation-requests.ts';

const parseDelegate = checker<DelegateBody>(delegateBody, 'body');
const parseList = checker<ListDelegationsQuery>(listDelegationsQuery, 'query');
const parseRevoke = checker<{ reason?: string }>(revokeDelegationBody, 'body');

/**
 * Out-of-office delegation (ADR 0010, docs/delegation.md): made and revoked by commands to the
 * delegator's ledger, which decides them; listed from the delegations read model. The gateway
 * checks each request against the read model first and answers with a problem naming the field;
 * nothing is sent then. Who sees one: its delegator and delegate, auditors and admins.
 */
@Controller('v1/delegations')
@UseGuards(ApiKeyGuard)
export class DelegationsController {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(WAITING_ROOM) private readonly room: WaitingRoom,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  private get views() {
    return this.store.collection<DelegationView>(COLLECTIONS.delegations);
  }

  /** The caller delegates their eligibility to `delegate` from `from` (default now) until `until`. */
  @Post()
  @HttpCode(201)
  async delegate(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseDelegate(raw);
    const me = caller.principal;
    if (me.kind !== 'human') {
      throw new Problem(403, 'delegation-not-allowed', 'Only people delegate approvals.', `${me.id} is an agent: agents never approve, so they have nothing to delegate.`);
    }
    const now = this.clock.now();
    const data: ApprovalDelegatedData = {
      delegationId: this.ids.next(), delegator: me.id, delegate: body.delegate, from: body.from ?? now.toISOString(), until: body.until,
      ...(body.reason ? { reason: body.reason.trim() } : {}),
    };
    const live = await liveDelegationsOf(this.views, me.id, now);
    const problem = delegationProblem(data, ledgerOf(live), { now, directory: this.directory.snapshot() });
    if (problem) {
      const conflict = /already holds|revoke one first/.test(problem.detail);
      throw new Problem(conflict ? 409 : 422, conflict ? 'delegation-conflict' : 'delegation-refused', 'This delegation cannot be made.',
        `${problem.field} ${problem.detail}.`, [{ pointer: `/${problem.field === 'delegator' ? 'delegate' : problem.field}`, detail: problem.detail }]);
    }
    const ledgerId = delegationLedgerId(me.id);
    const event = await awaitLedger(this.room, ledgerId, 'ApprovalDelegated', this.limits.answerWaitMs, () => this.commands.send('DelegateApproval', ledgerId, me, data));
    const made = event ? projectDelegation(undefined, event) : undefined;
    res.location(`/v1/delegations/${data.delegationId}`);
    if (made) return presentDelegation(made, this.clock.now());
    res.status(202);
    return { id: data.delegationId, status: 'pending', detail: 'Queued; the delegation will show in GET /v1/delegations.' };
  }

  /** The caller's delegations, as delegator or delegate (`all=true`: everyone's, for auditors and admins). */
  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    const q = parseList(rawQuery);
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    if (q.all === 'true' && !readsAll(caller.principal)) throw badRequest([{ parameter: 'all', detail: 'is for auditors and admins only' }]);
    const now = this.clock.now();
    const page = await findDelegations(this.views, { viewer: caller.principal.id, all: q.all === 'true', ...(q.status === 'live' ? { liveAt: now } : {}) },
      { limit: Number(q.limit ?? 50), maxBytes: this.limits.pageBytes, ...(after ? { after } : {}) }, (view) => jsonBytes(presentDelegation(view, now)));
    return { items: page.rows.map((view) => presentDelegation(view, now)), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return presentDelegation(await visibleDelegation(this.views, caller.principal, id), this.clock.now());
  }

  /** Ends it now: its delegator or an admin. A vote its ledger decides after this never counts. */
  @Delete(':id')
  @HttpCode(200)
  async revoke(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseRevoke(raw);
    const view = await visibleDelegation(this.views, caller.principal, id);
    const now = this.clock.now();
    if (!mayRevokeDelegation(caller.principal, view)) {
      throw new Problem(403, 'not-allowed-to-revoke', 'You may not revoke this delegation.', `Only its delegator ${view.delegator} and admins may revoke it.`);
    }
    if (view.revoked) throw new Problem(409, 'already-revoked', 'This delegation is already revoked.', `It was revoked by ${view.revoked.by} at ${view.revoked.at}.`);
    if (now.getTime() >= Date.parse(view.until)) throw new Problem(409, 'delegation-ended', 'This delegation has ended.', `It ended at ${view.until}.`);
    const event = await awaitLedger(this.room, view.ledgerId, 'DelegationRevoked', this.limits.answerWaitMs, () =>
      this.commands.send('RevokeDelegation', view.ledgerId, caller.principal, { delegationId: id, by: caller.principal.id, ...(body.reason ? { reason: body.reason } : {}) }));
    if (event) return presentDelegation(projectDelegation({ ...view, lastSeq: Math.min(view.lastSeq, event.seq - 1) }, event) ?? view, this.clock.now());
    res.status(202).location(`/v1/delegations/${id}`);
    return { id, status: 'revoking', detail: 'Queued; the revocation will show on the delegation.' };
  }
}
