import { Inject, Injectable } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { contentHash, idempotentActionId } from '@countersign/contracts';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { ActionWaiter } from './action-waiter.ts';
import type { Caller } from './auth.ts';
import { CommandSender } from './commands.ts';
import { CLOCK, GRANT_KEYS, type Clock, type GrantKeys } from '@countersign/runtime';
import { grantToHandOut, type IssuedGrant } from './grants/grant-token.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem, badRequest } from './problem.ts';
import { ProposalQuotas } from './quotas.ts';
import { presentAction } from './views.ts';

export interface ProposeOptions {
  /** Answer an approved action with its grant (`POST /v1/actions?include=grant`). */
  includeGrant?: boolean;
}

export interface Proposal {
  action: string;
  resource: string;
  params?: Record<string, unknown>;
  justification?: string;
  context?: Record<string, unknown>;
  /** Called when the action is decided (checked by the caller: https, or http to this machine). */
  callbackUrl?: string;
}

/**
 * Proposes an action for a caller and answers as POST /v1/actions does: 201 with the action once
 * policy has answered (decided, or pending approval: learnt from the events topic, never from
 * the read model), 202 while it has not (within the answer wait, 10 s by default), 200 for an
 * idempotent replay, 409 for a reused key, 429 for a requester
 * with too many undecided actions. Shared by the actions and policies endpoints, so publishing a
 * policy is proposed exactly like any other action. `requestBody` is what the Idempotency-Key is
 * bound to.
 */
@Injectable()
export class Proposer {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(ProposalQuotas) private readonly quotas: ProposalQuotas,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(GRANT_KEYS) private readonly keys: GrantKeys,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async propose(caller: Caller, proposal: Proposal, requestBody: unknown, key: string | undefined, res: Response, options: ProposeOptions = {}) {
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw badRequest([{ header: 'Idempotency-Key', detail: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const requestHash = contentHash(requestBody);
    // Derived as pipelines on the proposals topic derive it (libs/contracts), so retries converge.
    const actionId = key ? idempotentActionId(caller.principal.id, key) : uuidv7();
    if (key) {
      const existing = await this.waiter.get(actionId);
      if (existing) return this.withGrant(this.replay(existing, requestHash, res), existing, options);
    }
    await this.quotas.checkPending(caller.principal.id);
    const p = caller.principal;
    const params = proposal.params ?? {};
    // Watched before the proposal is appended, so the events that answer it cannot pass unseen.
    const view = await this.waiter.watching(actionId, async (watch) => {
      await this.commands.send('ProposeAction', actionId, caller.principal, {
        action: proposal.action,
        resource: proposal.resource,
        params,
        paramsHash: contentHash(params),
        requestHash,
        ...(proposal.justification !== undefined ? { justification: proposal.justification } : {}),
        ...(proposal.context !== undefined ? { context: proposal.context } : {}),
        requester: { id: p.id, kind: p.kind === 'agent' ? 'agent' : 'human', identities: [...p.identities, caller.identity], ...(p.owner ? { onBehalfOf: p.owner } : {}) },
        ...(key ? { idempotencyKey: key } : {}),
        ...(proposal.callbackUrl !== undefined ? { callbackUrl: proposal.callbackUrl } : {}),
      });
      return watch.proposal(this.limits.answerWaitMs);
    });
    res.location(`/v1/actions/${actionId}`);
    if (view && view.requestHash !== requestHash) return this.withGrant(this.replay(view, requestHash, res), view, options);
    if (!view || view.status === 'proposed') {
      res.status(202);
      return view ? presentAction(view) : { id: actionId, status: 'proposed', links: { self: `/v1/actions/${actionId}` } };
    }
    res.status(201);
    return this.withGrant(presentAction(view), view, options);
  }

  /**
   * With `includeGrant`, an approved action's answer carries its grant, as GET …/grant would give
   * it to the requester: an executor that proposes and runs at once saves a request. Left out when
   * that request would be refused (already redeemed, expired): the client then asks and learns why.
   */
  private async withGrant<T extends object>(answer: T, view: ActionView, options: ProposeOptions): Promise<T & { grant?: IssuedGrant }> {
    if (!options.includeGrant) return answer;
    const grant = await grantToHandOut(view, this.keys, this.clock.now());
    return grant.ok ? { ...answer, grant: grant.issued } : answer;
  }

  /** Same Idempotency-Key: same body gives the same action back; another body is a conflict. */
  private replay(existing: ActionView, requestHash: string, res: Response) {
    if (existing.requestHash !== requestHash) {
      throw new Problem(409, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request.',
        `Action ${existing._id} was proposed with this key and another body; use a new key for a new action.`,
        [{ header: 'Idempotency-Key', detail: 'was already used with a different body' }], { actionId: existing._id });
    }
    res.status(200).location(`/v1/actions/${existing._id}`).set('Idempotent-Replayed', 'true');
    return presentAction(existing);
  }
}
