import { Inject, Injectable } from '@nestjs/common';
import { COLLECTIONS, countUndecided, UNDECIDED_STATUSES, type ActionView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import { CLOCK, type Clock } from '@countersign/runtime';
import { RECENT_VIEWS } from './action-waiter.ts';
import type { RecentViews } from './answers/recent-views.ts';
import { READ_MODELS } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem } from './problem.ts';
import { TokenBuckets } from './token-buckets.ts';

/** Undecided actions clear as they are decided or expire; there is no exact time to give. */
const PENDING_RETRY_AFTER_SECONDS = 60;
/** A requester's count is re-read in the background once older than this... */
const REFRESH_AFTER_MS = 250;
/** ...and not trusted at all once older than this. */
const TRUST_FOR_MS = 1000;
/** Requesters whose counts are remembered (the oldest are forgotten first). */
const MAX_REMEMBERED = 10_000;

interface PendingCount {
  count: number;
  at: number;
}

const undecided = (view: ActionView | undefined) => view !== undefined && UNDECIDED_STATUSES.includes(view.status);

/**
 * What one requester may ask of the system: so many undecided actions at once (counted in the
 * read model, so across every gateway instance, as far as the projector has got, corrected by what
 * this instance answered from the log and the read model does not show yet), and so many
 * proposal bytes per window (a token bucket in this instance's memory). Over either, 429.
 */
@Injectable()
export class ProposalQuotas {
  private readonly bytes: TokenBuckets;

  constructor(
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(RECENT_VIEWS) private readonly recent: RecentViews,
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

  private readonly counts = new Map<string, PendingCount>();
  /** The read of each requester's count in flight: one at a time, shared by whoever needs it. */
  private readonly reading = new Map<string, Promise<PendingCount>>();

  /**
   * Refuses a new proposal while `requester` has the maximum of undecided actions already. Far
   * from the limit, a count read less than a second ago (plus this instance's proposals since)
   * answers, re-read in the background, so a proposal does not wait on the read model; near the
   * limit, or with no recent count, the count is read now, exactly as the read model has it.
   * Proposals that need a count while one is being read wait for that read rather than start
   * their own: under load, reads that each took longer than the gap between proposals piled up
   * on the read model until every request timed out.
   */
  async checkPending(requester: string): Promise<void> {
    const now = this.clock.now().getTime();
    const known = this.counts.get(requester);
    if (known && now - known.at < TRUST_FOR_MS && known.count + 1 < this.limits.pendingPerRequester) {
      if (now - known.at >= REFRESH_AFTER_MS) this.readShared(requester).catch(() => undefined); // the next proposal reads it again
      known.count += 1;
      return;
    }
    const fresh = await this.readShared(requester);
    if (fresh.count < this.limits.pendingPerRequester) {
      fresh.count += 1;
      return;
    }
    const open = fresh.count;
    throw new Problem(429, 'too-many-pending', 'Too many actions await a decision.',
      `${requester} has ${open} actions that are proposed or pending; at most ${this.limits.pendingPerRequester} may be. Cancel some, or wait for them to be decided.`,
      undefined, { pending: open, limit: this.limits.pendingPerRequester }, { 'Retry-After': String(PENDING_RETRY_AFTER_SECONDS) });
  }

  /** The requester's count as read now, or by the read already in flight. */
  private readShared(requester: string): Promise<PendingCount> {
    let read = this.reading.get(requester);
    if (!read) {
      const at = this.clock.now().getTime();
      read = this.read(requester)
        .then((count) => this.remember(requester, { count, at }))
        .finally(() => this.reading.delete(requester));
      this.reading.set(requester, read);
    }
    return read;
  }

  /**
   * The read model's count, corrected by the views this instance answered with from the log: an
   * action answered pending a moment ago counts though the projector has not written it yet, and
   * one cancelled or decided here a moment ago no longer counts though the read model still says
   * pending. Whichever of the two views is further along its stream wins, as for reads. The
   * answered actions are left out of the count and judged one by one, so an action projected
   * between the two reads is counted once, not twice or never.
   */
  private async read(requester: string): Promise<number> {
    const actions = this.store.collection<ActionView>(COLLECTIONS.actions);
    const answered = this.recent.ofRequester(requester);
    if (answered.length === 0) return countUndecided(actions, requester);
    const ids = answered.map((view) => view._id);
    const [stored, others] = await Promise.all([
      actions.find({ _id: { $in: ids } }, { limit: ids.length }),
      countUndecided(actions, requester, ids),
    ]);
    const storedById = new Map(stored.map((view) => [view._id, view]));
    let answeredUndecided = 0;
    for (const view of answered) {
      // newest() also forgets the views the read model has caught up with, so the list this
      // query sends stays as short as the projector's lag, not as long as the memory of answers.
      answeredUndecided += Number(undecided(this.recent.newest(view._id, storedById.get(view._id))));
    }
    return others + answeredUndecided;
  }

  private remember(requester: string, count: PendingCount): PendingCount {
    this.counts.delete(requester);
    this.counts.set(requester, count);
    if (this.counts.size > MAX_REMEMBERED) this.counts.delete(this.counts.keys().next().value!);
    return count;
  }
}
