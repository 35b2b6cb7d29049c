import { Inject, Injectable } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CHANGE_FEED, type ChangeFeed } from '@countersign/runtime';
import { COLLECTIONS } from '@countersign/audit';

/** How often to re-read the store when no change feed reaches us (gateway in its own process). */
const FALLBACK_POLL_MS = 250;

/**
 * Waits until an action's read model satisfies a predicate: woken by the change feed, with a slow
 * poll as a safety net. Resolves with the last view seen (which may not satisfy it on timeout).
 */
@Injectable()
export class ActionWaiter {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(CHANGE_FEED) private readonly changes: ChangeFeed,
  ) {}

  get(actionId: string): Promise<ActionView | undefined> {
    return this.store.collection<ActionView>(COLLECTIONS.actions).get(actionId);
  }

  async until(actionId: string, done: (view: ActionView | undefined) => boolean, timeoutMs: number): Promise<ActionView | undefined> {
    let view = await this.get(actionId);
    if (done(view) || timeoutMs <= 0) return view;
    return new Promise((resolve) => {
      let settled = false;
      let checking = false;
      const finish = () => {
        settled = true;
        unsubscribe();
        clearTimeout(deadline);
        clearInterval(poll);
        resolve(view);
      };
      const check = async () => {
        if (settled || checking) return;
        checking = true;
        try {
          view = await this.get(actionId);
          if (done(view)) finish();
        } finally {
          checking = false;
        }
      };
      const unsubscribe = this.changes.subscribe((id) => id === actionId && void check());
      const poll = setInterval(() => void check(), FALLBACK_POLL_MS);
      const deadline = setTimeout(() => !settled && finish(), timeoutMs);
      void check(); // a change may have landed between the first read and subscribing
    });
  }
}
