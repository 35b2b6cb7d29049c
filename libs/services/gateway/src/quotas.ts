import { Inject, Injectable } from '@nestjs/common';
import { COLLECTIONS, countUndecided, type ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import { CLOCK, type Clock } from '@countersign/runtime';
import { READ_MODELS } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem } from './problem.ts';
import { TokenBuckets } from './token-buckets.ts';

/** Undecided actions clear as they are decided or expire; there is no exact time to give. */
const PENDING_RETRY_AFTER_SECONDS = 60;

/**
 * What one requester may ask of the system: so many undecided actions at once (counted in the
 * read model, so across every gateway instance, as far as the projector has got), and so many
 * proposal bytes per window (a token bucket in this instance's memory). Over either, 429.
 */
@Injectable()
export class ProposalQuotas {
  private readonly bytes: TokenBuckets;

  constructor(
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
  ) {
    this.bytes = new TokenBuckets(limits.proposalBytesPerWindow, limits.proposalWindowSeconds * 1000);
  }

  /** Spends `size` bytes of `requester`'s allowance, or refuses with the wait in Retry-After. */
  chargeBytes(requester: string, size: number): void {
    const taken = this.bytes.take(requester, size, this.clock.now().getTime());
    if (taken.ok) return;
    const seconds = Math.max(1, Math.ceil(taken.waitMs / 1000));
    throw new Problem(429, 'proposal-bytes-exceeded', 'Too many proposal bytes in too little time.',
      `${requester} may send ${this.limits.proposalBytesPerWindow} bytes of proposals per ${this.limits.proposalWindowSeconds} s to this gateway; retry in ${seconds} s.`,
      undefined, {}, { 'Retry-After': String(seconds) });
  }

  /** Refuses a new proposal while `requester` has the maximum of undecided actions already. */
  async checkPending(requester: string): Promise<void> {
    const open = await countUndecided(this.store.collection<ActionView>(COLLECTIONS.actions), requester);
    if (open < this.limits.pendingPerRequester) return;
    throw new Problem(429, 'too-many-pending', 'Too many actions await a decision.',
      `${requester} has ${open} actions that are proposed or pending; at most ${this.limits.pendingPerRequester} may be. Cancel some, or wait for them to be decided.`,
      undefined, { pending: open, limit: this.limits.pendingPerRequester }, { 'Retry-After': String(PENDING_RETRY_AFTER_SECONDS) });
  }
}
