import { Body, Controller, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { RejectionCode } from '@countersign/contracts';
import type { Response } from 'express';
import { ActionWaiter, type CommandAnswer } from './action-waiter.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { CommandSender } from './commands.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem, badRequest } from './problem.ts';
import { approveBody, cancelBody, checker, denyBody, reviewBody } from './request-schemas.ts';
import { REJECTION_TITLES } from './rejections.ts';
import { VoteCaster } from './vote-caster.ts';
import { standingTerms, type StandingBody } from './standing/standing-terms.ts';
import { presentAction } from './views.ts';
import { visibleAction } from './visibility.ts';
import { StepUpGate } from './passkeys/index.ts';
import { DelegatedVotes } from './delegations/index.ts';

export const REJECTION_STATUS: Record<RejectionCode, number> = {
  self_approval: 403,
  not_eligible: 403,
  not_requester: 403,
  already_decided: 409,
  not_pending: 409,
  duplicate_vote: 409,
  reason_required: 400,
  no_review_requested: 409,
  already_reviewed: 409,
  past_deadline: 409,
  unprocessable: 422,
  params_mismatch: 409,
  not_approved: 409,
  already_redeemed: 409,
  already_executed: 409,
  grant_expired: 403,
  standing_not_allowed: 422,
  step_up_required: 403,
};

interface ApproveBody { comment?: string; breakGlass?: boolean; standing?: StandingBody; stepUp?: { response: unknown }; onBehalfOf?: string }
interface DenyBody { reason: string; onBehalfOf?: string }
const checkApprove = checker<ApproveBody>(approveBody, 'body');
const checkDeny = checker<DenyBody>(denyBody, 'body');

/** A break-glass approval stands alone and is reviewed later: the comment is the record of why. */
function parseApprove(raw: unknown): ApproveBody {
  const body = checkApprove(raw);
  if (body.breakGlass && !body.comment?.trim()) {
    throw badRequest([{ pointer: '/comment', detail: 'is required for a break-glass approval: say why it cannot wait' }]);
  }
  if (body.breakGlass && body.standing) {
    throw new Problem(422, 'standing-not-allowed', 'This standing approval cannot be granted.', 'A break-glass approval covers this emergency only.',
      [{ pointer: '/standing', detail: 'is not allowed with a break-glass approval' }]);
  }
  return body;
}

/** Break-glass is a way to approve; on a denial it is a mistake worth naming, not a stray field. */
function parseDeny(raw: unknown): DenyBody {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'breakGlass' in raw) {
    throw new Problem(422, 'break-glass-not-for-denials', 'Break-glass applies to approvals only.',
      'A denial takes effect on its own already; send the denial without breakGlass.',
      [{ pointer: '/breakGlass', detail: 'is allowed only when approving' }]);
  }
  return checkDeny(raw);
}
const parseCancel = checker<{ reason?: string }>(cancelBody, 'body');
const parseReview = checker<{ verdict: 'upheld' | 'concerns'; comment: string }>(reviewBody, 'body');

/**
 * Approve, deny, cancel and review are commands for the approval router, which alone decides;
 * the gateway waits for the router's answer (a recorded vote or review, or a rejection) and reports it.
 * A caller who cannot see the action gets 404 before anything is sent, as for an unknown id.
 */
@Controller('v1/actions/:id')
@UseGuards(ApiKeyGuard)
export class VotesController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(VoteCaster) private readonly votes: VoteCaster,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(StepUpGate) private readonly stepUps: StepUpGate,
    @Inject(DelegatedVotes) private readonly delegated: DelegatedVotes,
  ) {}

  @Post('approve')
  @HttpCode(200)
  approve(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseApprove(raw);
    return this.vote(caller, id, 'approve', body.comment, res, body.breakGlass === true, body.standing, body.stepUp, body.onBehalfOf);
  }

  @Post('deny')
  @HttpCode(200)
  deny(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseDeny(raw);
    return this.vote(caller, id, 'deny', body.reason, res, false, undefined, undefined, body.onBehalfOf);
  }

  @Post('cancel')
  @HttpCode(200)
  async cancel(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseCancel(raw);
    const seen = await visibleAction(this.waiter, caller, id);
    return this.outcome(seen, () => this.commands.send('CancelAction', id, caller.principal, {
      by: caller.principal.id,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    }), res);
  }

  /** The review a break-glass approval asked for: only its reviewers, once. */
  @Post('review')
  @HttpCode(200)
  async review(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseReview(raw);
    const seen = await visibleAction(this.waiter, caller, id);
    return this.outcome(seen, () => this.commands.send('RecordReview', id, caller.principal, { reviewer: caller.principal.id, verdict: body.verdict, comment: body.comment }), res);
  }

  private async vote(caller: Caller, id: string, decision: 'approve' | 'deny', comment: string | undefined, res: Response, breakGlass = false, offered?: StandingBody, stepUpBody?: { response: unknown }, requested?: string) {
    // A delegate sees the actions of the delegators they may vote for (ADR 0010), and votes for one of them.
    await this.delegated.requireDelegation(caller, requested);
    const seen = await this.delegated.visibleAction(this.waiter, caller, id);
    const onBehalfOf = await this.delegated.voteFor(caller, seen, requested);
    if (onBehalfOf && (breakGlass || offered)) {
      const field = breakGlass ? 'breakGlass' : 'standing';
      throw new Problem(422, 'not-delegated', 'This cannot be done on someone else\'s behalf.', `A delegate casts plain votes for ${onBehalfOf.id}: break-glass and standing approvals are never delegated.`,
        [{ pointer: `/${field}`, detail: `is not allowed on a vote for ${onBehalfOf.id}` }]);
    }
    // Step-up (docs/step-up.md): verified here, bound to what was seen; the router still refuses an approval without it.
    const stepUp = decision === 'approve' ? await this.stepUps.forApproval(caller, seen, stepUpBody) : undefined;
    const { identity, principal: voter } = caller;
    // Checked against the rule while the action waits; on a decided one the router answers `already_decided` first.
    const standing = offered && seen.status === 'pending' ? standingTerms(offered, seen) : undefined;
    const answer = await this.votes.cast({ actionId: id, voter, identity, via: 'api', decision, comment, breakGlass, ...(standing ? { standing } : {}), ...(onBehalfOf ? { onBehalfOf } : {}), ...(stepUp ? { stepUp, paramsHash: seen.paramsHash } : {}) }, this.limits.answerWaitMs);
    return this.present(seen, answer.commandId, answer, res);
  }

  /** Sends a command (watched before it is appended, so its answer cannot pass unseen) and presents the answer. */
  private outcome(seen: ActionView, send: () => Promise<string>, res: Response) {
    return this.waiter.watching(seen._id, async (watch) => {
      const commandId = await send();
      return this.present(seen, commandId, await watch.answer(commandId, this.limits.answerWaitMs), res);
    });
  }

  /** `seen` is the action as it was before the command: what a 202 can say when nothing newer was read. */
  private present(seen: ActionView, commandId: string, answer: CommandAnswer, res: Response) {
    const id = seen._id;
    switch (answer.kind) {
      case 'pending':
        res.status(202).location(`/v1/actions/${id}`);
        return { id, status: (answer.view ?? seen).status, accepted: commandId, detail: 'Queued; the decision will show on the action.' };
      case 'rejected':
        throw rejected(answer.view, answer.code, answer.reason);
      case 'done':
        return presentAction(answer.view);
      default: {
        const unknown: never = answer;
        throw new Error(`unhandled answer ${(unknown as CommandAnswer).kind}`);
      }
    }
  }
}

function rejected(view: ActionView, code: RejectionCode, reason: string): Problem {
  return new Problem(REJECTION_STATUS[code], code.replace(/_/g, '-'), REJECTION_TITLES[code], reason, undefined, { actionId: view._id, actionStatus: view.status });
}
