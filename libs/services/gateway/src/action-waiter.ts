import { Inject, Injectable } from '@nestjs/common';
import { COLLECTIONS, type ActionView } from '@countersign/audit';
import type { RejectionCode } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { CHANGE_FEED, type ChangeFeed } from '@countersign/runtime';
import { READ_MODELS } from './infrastructure.ts';
import { Problem } from './problem.ts';

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

/** The read models failed or timed out (a 503 from the guarded store). */
export const isUnavailable = (error: unknown): error is Problem => error instanceof Problem && error.status === 503;

/**
 * Waits until an action's read model satisfies a predicate: woken by the change feed, with a slow
 * poll as a safety net. Resolves with the last view seen (which may not satisfy it on timeout);
 * rejects when a read fails, so the request is answered (503) and nothing is left unhandled.
 */
@Injectable()
export class ActionWaiter {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(CHANGE_FEED) private readonly changes: ChangeFeed,
  ) {}

  get(actionId: string): Promise<ActionView | undefined> {
    return this.store.collection<ActionView>(COLLECTIONS.actions).get(actionId);
  }

  /**
   * Waits for the router to handle a command that was sent: it then shows in `handled`, and in
   * `rejections` if refused. The command is in the log already, so a read model that fails while
   * we wait leaves the answer `pending` (202) rather than an error that would invite a retry.
   */
  async answer(actionId: string, commandId: string, timeoutMs: number): Promise<CommandAnswer> {
    let view: ActionView | undefined;
    try {
      view = await this.until(actionId, (v) => !!v && v.handled.includes(commandId), timeoutMs);
    } catch (error) {
      if (isUnavailable(error)) return { kind: 'pending', view: undefined };
      throw error;
    }
    if (!view?.handled.includes(commandId)) return { kind: 'pending', view };
    const rejection = view.rejections.find((r) => r.commandId === commandId);
    return rejection ? { kind: 'rejected', view, code: rejection.code, reason: rejection.reason } : { kind: 'done', view };
  }

  async until(actionId: string, done: (view: ActionView | undefined) => boolean, timeoutMs: number): Promise<ActionView | undefined> {
    let view = await this.get(actionId);
    if (done(view) || timeoutMs <= 0) return view;
    return new Promise((resolve, reject) => {
      let settled = false;
      let checking = false;
      const settle = (end: () => void) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        clearTimeout(deadline);
        clearTimeout(poll);
        end();
      };
      // Never rejects: a failed read settles the wait with its error instead.
      const check = async () => {
        if (settled || checking) return;
        checking = true;
        try {
          view = await this.get(actionId);
          if (done(view)) settle(() => resolve(view));
        } catch (error) {
          settle(() => reject(error));
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
          void check().then(() => !settled && schedule());
        }, pollMs);
      };
      schedule();
      const deadline = setTimeout(() => settle(() => resolve(view)), timeoutMs);
      void check(); // a change may have landed between the first read and subscribing
    });
  }
}
