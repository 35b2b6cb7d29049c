import type { ActionView } from '@countersign/audit';

/**
 * The views this gateway instance answered with from the log, until the read model shows them
 * too: a client that got its 201 from the log and votes, cancels or reads the action at once must
 * find it, even while the projector lags. Bounded: the least recently answered go first.
 */
export class RecentViews {
  private readonly views = new Map<string, ActionView>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.views.size;
  }

  /** Remembers `view` unless a view further along its stream is remembered already. */
  remember(view: ActionView): void {
    const known = this.views.get(view._id);
    if (known && known.lastSeq >= view.lastSeq) return;
    this.views.delete(view._id); // re-inserted last: Map order is the eviction order
    this.views.set(view._id, view);
    if (this.views.size > this.capacity) this.views.delete(this.views.keys().next().value!);
  }

  /** The remembered views of actions `requester` proposed (a scan: only for the slow path of a quota). */
  ofRequester(requester: string): ActionView[] {
    const found: ActionView[] = [];
    for (const view of this.views.values()) if (view.requester === requester) found.push(view);
    return found;
  }

  /**
   * The later of the read model's view (`stored`) and the remembered one. Once the read model has
   * caught up with what we answered, ours is forgotten: the read model is the reference again.
   */
  newest(actionId: string, stored: ActionView | undefined): ActionView | undefined {
    const known = this.views.get(actionId);
    if (!known) return stored;
    if (stored && stored.lastSeq >= known.lastSeq) {
      this.views.delete(actionId);
      return stored;
    }
    return known;
  }
}
