import { Body, Controller, HttpCode, Inject, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { StepUpRecord } from '@countersign/contracts';
import { CLOCK, type Clock } from '@countersign/runtime';
import { ActionWaiter } from '../action-waiter.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { Problem } from '../problem.ts';
import { checker } from '../request-schemas.ts';
import { visibleAction } from '../visibility.ts';
import { Ceremonies } from './ceremonies.ts';
import { PasskeyStore } from './passkey-store.ts';

const parseEmpty = checker<Record<string, never>>({ type: 'object', additionalProperties: false, properties: {} }, 'body');

/**
 * Step-up at the edge (docs/step-up.md): the options of an assertion bound to one action, its
 * params hash and the voter; and, on an approval, the verified record the vote carries. The
 * router still decides: it refuses any approval under a step-up rule that carries no record.
 */
@Injectable()
export class StepUpGate {
  constructor(
    @Inject(PasskeyStore) private readonly passkeys: PasskeyStore,
    @Inject(Ceremonies) private readonly ceremonies: Ceremonies,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async options(caller: Caller, view: ActionView) {
    if (!view.policy?.stepUp) {
      throw new Problem(409, 'step-up-not-required', 'This action needs no step-up.', `Rule ${view.policy?.rule ?? '(none)'} does not require one; approve as usual.`);
    }
    if (view.status !== 'pending') throw new Problem(409, 'not-pending', 'This action is not waiting for approval.', `It is ${view.status}.`, undefined, { actionId: view._id, actionStatus: view.status });
    const mine = await this.passkeys.live(caller.principal.id);
    if (mine.length === 0) {
      throw new Problem(409, 'no-passkey', 'You have no passkey.', 'Register a passkey in the console (Passkeys) before approving actions that require step-up.');
    }
    return this.ceremonies.stepUpOptions(this.binding(caller, view), mine, this.clock.now());
  }

  /** The step-up an approval carries, verified; or a 403 when the rule requires one and none came. Denials never get here. */
  async forApproval(caller: Caller, view: ActionView, stepUp: { response: unknown } | undefined): Promise<StepUpRecord | undefined> {
    if (!stepUp) {
      if (!view.policy?.stepUp || view.status !== 'pending') return undefined;
      throw new Problem(403, 'step-up-required', 'This approval needs a step-up.',
        `Rule ${view.policy.rule} requires a fresh passkey assertion for every approval: POST /v1/actions/${view._id}/step-up, sign its options, and send the response as stepUp.response.`,
        [{ pointer: '/stepUp', detail: 'is required: this action\'s rule requires step-up' }], { actionId: view._id });
    }
    return this.ceremonies.verifyStepUp(this.binding(caller, view), stepUp.response, await this.passkeys.live(caller.principal.id), this.clock.now());
  }

  private binding(caller: Caller, view: ActionView) {
    return { purpose: 'step-up' as const, actionId: view._id, paramsHash: view.paramsHash, principal: caller.principal.id };
  }
}

@Controller('v1/actions/:id')
@UseGuards(ApiKeyGuard)
export class StepUpController {
  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(StepUpGate) private readonly gate: StepUpGate,
  ) {}

  /** `{ options, expiresAt }`: what `navigator.credentials.get` (or @simplewebauthn/browser's startAuthentication) signs. */
  @Post('step-up')
  @HttpCode(200)
  async stepUp(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() raw: unknown) {
    parseEmpty(raw);
    return this.gate.options(caller, await visibleAction(this.waiter, caller, id));
  }
}
