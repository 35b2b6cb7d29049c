import { Inject, Injectable } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { RejectionCode } from '@countersign/contracts';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CHANGE_FEED, type ChangeFeed } from '@countersign/runtime';
import { COLLECTIONS } from '@countersign/audit';

/**
 * When the projector runs in another process no change feed reaches us: re-read the store, soon
 * at first (a decision usually lands within milliseconds), then backing off.
 */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;

/** The router's answer to one command, as the read model shows it; `pending` when none came in time. */
export type CommandAnswer =
  | { kind: 'done'; view: ActionView }
  | { kind: 'rejected'; view: ActionView; code: RejectionCode; reason: string }
  | { kind: 'pending'; view: ActionView | undefined };

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

  /** Waits for the router to handle a command: it then shows in `handled`, and in `rejections` if refused. */
  async answer(actionId: string, commandId: string, timeoutMs: number): Promise<CommandAnswer> {
    const view = await this.until(actionId, (v) => !!v && v.handled.includes(commandId), timeoutMs);
    if (!view?.handled.includes(commandId)) return { kind: 'pending', view };
    const rejection = view.rejections.find((r) => r.commandId === commandId);
    return rejection ? { kind: 'rejected', view, code: rejection.code, reason: rejection.reason } : { kind: 'done', view };
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
        clearTimeout(poll);
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
      let pollMs = FIRST_POLL_MS;
      let poll: NodeJS.Timeout;
      const schedule = () => {
        poll = setTimeout(() => {
          pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
          void check().finally(() => !settled && schedule());
        }, pollMs);
      };
      schedule();
      const deadline = setTimeout(() => !settled && finish(), timeoutMs);
      void check(); // a change may have landed between the first read and subscribing
    });
  }
}
