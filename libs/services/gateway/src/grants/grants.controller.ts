import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { contentHash, jsonValueProblems, PARAMS_LIMITS } from '@countersign/contracts';
import { CLOCK, GRANT_KEYS, type Clock, type GrantKeys } from '@countersign/runtime';
import type { Response } from 'express';
import { ActionWaiter, type CommandAnswer } from '../action-waiter.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { CommandSender } from '../commands.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { Problem, badRequest } from '../problem.ts';
import { REJECTION_TITLES } from '../rejections.ts';
import { checker } from '../request-schemas.ts';
import { presentAction } from '../views.ts';
import { REJECTION_STATUS } from '../votes.controller.ts';
import { isActionId, visibleAction } from '../visibility.ts';
import { checkGrant, grantToHandOut } from './grant-token.ts';
import { executionBody, type ExecutionBody } from './execution-body.ts';

const parseExecution = checker<ExecutionBody>(executionBody, 'body');
/** Clocks drift, not by minutes: a reported time further ahead than this is refused. */
const MAX_FUTURE_MS = 5 * 60_000;

/**
 * Signed grants (approval receipts, issue 11): the requester of an approved action fetches its
 * grant; whoever runs the action redeems it once and reports the outcome. The grant is the
 * executor's authority (any authenticated principal holding it), so the redemption checks the
 * grant, never who can see the action; the router decides the rest on the action's stream.
 */
@Controller('v1/actions/:id')
@UseGuards(ApiKeyGuard)
export class GrantsController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(GRANT_KEYS) private readonly keys: GrantKeys,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('grant')
  async grant(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const view = await visibleAction(this.waiter, caller, id);
    if (![view.requester, view.onBehalfOf].includes(caller.principal.id)) {
      throw new Problem(403, 'not-requester', 'Only the requester receives the grant.', `The grant of action ${id} goes to its requester ${view.requester}${view.onBehalfOf ? ` or ${view.onBehalfOf}` : ''}.`);
    }
    const grant = await grantToHandOut(view, this.keys, this.clock.now());
    if (grant.ok) return grant.issued;
    switch (grant.why) {
      case 'not-approved':
        throw new Problem(409, 'not-approved', 'This action is not approved.', `Action ${id} is ${view.status}; a grant exists only for an approved action.`, undefined, { actionId: id, actionStatus: view.status });
      case 'already-redeemed':
        throw new Problem(409, 'already-redeemed', REJECTION_TITLES.already_redeemed, `Action ${id} was redeemed by ${view.execution!.executor} at ${view.execution!.redeemedAt} (${view.execution!.status}).`,
          undefined, { actionId: id, execution: view.execution });
      case 'grant-expired':
        throw new Problem(410, 'grant-expired', 'The grant has expired.', `The grant of action ${id} expired at ${grant.issued.expiresAt}; propose the action again.`, undefined, { actionId: id, expiresAt: grant.issued.expiresAt });
      default: {
        const unknown: never = grant;
        throw new Error(`unhandled grant refusal ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Redeems the grant (no `outcome`), or reports the outcome (which redeems it too when nothing did). */
  @Post('executions')
  @HttpCode(201)
  async execute(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseBody(raw);
    const now = this.clock.now();
    if (!isActionId(id)) throw new Problem(404, 'action-not-found', 'No such action.', `There is no action ${id}.`);
    const reporting = body.outcome !== undefined;
    const check = await checkGrant(body.grant, id, this.keys, now, { allowExpired: reporting });
    if (!check.ok) throw new Problem(403, check.code, check.code === 'grant-expired' ? 'The grant has expired.' : 'The grant is not valid.', `The grant ${check.detail}.`, [{ pointer: '/grant', detail: check.detail }]);
    if (contentHash(body.params) !== check.claims.paramsHash) {
      throw new Problem(403, 'grant-params-mismatch', 'These are not the approved parameters.',
        `The grant covers params ${check.claims.paramsHash}; the params sent hash to ${contentHash(body.params)}. Run exactly what was approved.`,
        [{ pointer: '/params', detail: 'differ from the approved params' }]);
    }
    checkTimes(body, now);
    if (body.executor !== undefined && body.executor !== caller.principal.id) {
      throw badRequest([{ pointer: '/executor', detail: `must be your own principal id (${caller.principal.id}): the executor is whoever presents the grant` }]);
    }
    const seen = await this.waiter.get(id);
    if (!seen) {
      throw new Problem(503, 'action-not-projected', 'This gateway does not know the action yet.', `Action ${id} is not in the read model yet; retry shortly.`, undefined, {}, { 'Retry-After': '1' });
    }
    const startedAt = body.startedAt ?? now.toISOString();
    const answer = await this.waiter.watching(id, async (watch) => {
      const commandId = await this.commands.send('RecordExecution', id, caller.principal, {
        phase: reporting ? 'finished' : 'started',
        grantId: check.claims.jti,
        kid: check.kid,
        executor: caller.principal.id,
        paramsHash: check.claims.paramsHash,
        grantExpiresAt: new Date(check.claims.exp * 1000).toISOString(),
        startedAt,
        ...(reporting ? { outcome: body.outcome, finishedAt: body.finishedAt ?? now.toISOString() } : {}),
        ...(reporting && body.error !== undefined ? { error: body.error } : {}),
      });
      return { commandId, answer: await watch.answer(commandId, this.limits.answerWaitMs, seen) };
    });
    return present(seen, answer.commandId, answer.answer, reporting, res);
  }
}

function parseBody(raw: unknown): ExecutionBody {
  const fields = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const bounds = fields.params === undefined ? [] : jsonValueProblems(fields.params, PARAMS_LIMITS, '/params');
  if (bounds.length > 0) throw badRequest(bounds.map((e) => ({ pointer: e.pointer, detail: e.message })));
  return parseExecution(raw);
}

function checkTimes(body: ExecutionBody, now: Date): void {
  const late = now.getTime() + MAX_FUTURE_MS;
  for (const field of ['startedAt', 'finishedAt'] as const) {
    const at = body[field];
    if (at !== undefined && Date.parse(at) > late) throw badRequest([{ pointer: `/${field}`, detail: 'is in the future' }]);
  }
  if (body.startedAt && body.finishedAt && Date.parse(body.finishedAt) < Date.parse(body.startedAt)) {
    throw badRequest([{ pointer: '/finishedAt', detail: 'is before startedAt' }]);
  }
  if (body.outcome === undefined && (body.finishedAt !== undefined || body.error !== undefined)) {
    throw badRequest([{ pointer: body.finishedAt !== undefined ? '/finishedAt' : '/error', detail: 'is allowed only with outcome (a report)' }]);
  }
  if (body.outcome === 'succeeded' && body.error !== undefined) throw badRequest([{ pointer: '/error', detail: 'is allowed only when the outcome is failed' }]);
}

function present(seen: ActionView, commandId: string, answer: CommandAnswer, reporting: boolean, res: Response) {
  const id = seen._id;
  switch (answer.kind) {
    case 'pending':
      res.status(202).location(`/v1/actions/${id}`);
      return { id, accepted: commandId, detail: 'Queued; the execution will show on the action.' };
    case 'rejected':
      throw new Problem(REJECTION_STATUS[answer.code], answer.code.replace(/_/g, '-'), REJECTION_TITLES[answer.code], answer.reason, undefined, { actionId: id, actionStatus: answer.view.status });
    case 'done':
      if (reporting) res.status(200);
      return { execution: answer.view.execution, action: presentAction(answer.view) };
    default: {
      const unknown: never = answer;
      throw new Error(`unhandled answer ${(unknown as CommandAnswer).kind}`);
    }
  }
}
