import { Inject, Injectable } from '@nestjs/common';
import { COLLECTIONS, type ActionView } from '@countersign/audit';
import type { ReadModelStore } from '@countersign/readmodel';
import { ActionWatch } from './answers/action-watch.ts';
import { RecentViews } from './answers/recent-views.ts';
import { RoomFull, WaitingRoom } from './answers/waiting-room.ts';
import { READ_MODELS } from './infrastructure.ts';
import { Problem } from './problem.ts';

export type { CommandAnswer } from './answers/action-watch.ts';
export type { ActionWatch } from './answers/action-watch.ts';

export const WAITING_ROOM = Symbol('GATEWAY_WAITING_ROOM');
export const RECENT_VIEWS = Symbol('GATEWAY_RECENT_VIEWS');

/** The read models failed or timed out (a 503 from the guarded store). */
export const isUnavailable = (error: unknown): error is Problem => error instanceof Problem && error.status === 503;

/** Every watch is taken: refused before anything is sent, so retrying is safe. */
const tooManyWaiting = (capacity: number) => new Problem(503, 'too-many-waiting', 'Too many requests are waiting for answers.',
  `This gateway instance holds at most ${capacity} requests waiting for the router's answer; nothing was sent. Retry shortly.`,
  undefined, {}, { 'Retry-After': '1' });

/**
 * Reads actions and waits for the router's answers. Answers come from the log (the follower of the
 * events topic, answers/answers-follower.ts), not from the read model: see ActionWatch.
 */
@Injectable()
export class ActionWaiter {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(WAITING_ROOM) private readonly room: WaitingRoom,
    @Inject(RECENT_VIEWS) private readonly recent: RecentViews,
  ) {}

  /** The action as far as this instance knows it: the read model's view, or a newer one it answered with. */
  async get(actionId: string): Promise<ActionView | undefined> {
    return this.recent.newest(actionId, await this.store.collection<ActionView>(COLLECTIONS.actions).get(actionId));
  }

  /**
   * Runs `work` with `actionId` watched: enter before sending a command, so its answer cannot pass
   * unseen. Refused with a 503 (nothing sent) when every watch is taken.
   */
  async watching<T>(actionId: string, work: (watch: ActionWatch) => Promise<T>): Promise<T> {
    let entered;
    try {
      entered = this.room.enter(actionId);
    } catch (error) {
      if (error instanceof RoomFull) throw tooManyWaiting(this.room.capacity);
      throw error;
    }
    try {
      return await work(new ActionWatch(entered, {
        // The command is in the log already: a read model that fails now leaves the answer to the log, or pending.
        view: () => this.get(actionId).catch(() => this.recent.newest(actionId, undefined)),
        remember: (view) => this.recent.remember(view),
      }));
    } finally {
      entered.leave();
    }
  }
}
