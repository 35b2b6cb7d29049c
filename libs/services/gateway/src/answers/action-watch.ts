import type { ActionView } from '@countersign/audit';
import type { RejectionCode } from '@countersign/contracts';
import { advance, decisionSeq, newer, outcomeOf, proposalAnswer, type CommandOutcome } from './answer-fold.ts';
import type { Watch } from './waiting-room.ts';

/** The router's answer to one command; `pending` when none came in time. */
export type CommandAnswer =
  | { kind: 'done'; view: ActionView }
  | { kind: 'rejected'; view: ActionView; code: RejectionCode; reason: string }
  | { kind: 'pending'; view: ActionView | undefined };

/**
 * When the read model is behind what the follower saw (a gap between its view and the events),
 * it is read again, soon at first, then backing off: the only place an answer waits for it.
 */
const FIRST_REREAD_MS = 5;
const MAX_REREAD_MS = 200;
/** An action not known yet is looked for in the read model at most this often. */
const MAX_APPEARANCE_REREAD_MS = 500;

export interface ViewSource {
  /** The action as far as this instance knows it (read model, or a newer view it answered with); undefined if that fails. */
  view(): Promise<ActionView | undefined>;
  /** Keeps a view built from the log, for reads that follow the answer. */
  remember(view: ActionView): void;
}

/**
 * One request's wait for the answer to what it sent, on a watch entered before the send. The
 * answer comes from the events the follower delivers: a new proposal's view is folded from them
 * alone; a command's outcome is the events it caused, shown on the read model's view continued by
 * them. Only when the events do not continue that view is the read model waited for (bounded).
 */
export class ActionWatch {
  constructor(
    private readonly watch: Watch,
    private readonly source: ViewSource,
  ) {}

  /** The view once policy has answered the proposal, from the log alone; as far as it got on timeout. */
  async proposal(timeoutMs: number): Promise<ActionView | undefined> {
    const deadline = Date.now() + timeoutMs;
    const view = (await this.until(deadline, () => proposalAnswer(this.watch.events))) ?? advance(undefined, this.watch.events);
    if (view) this.source.remember(view);
    return view;
  }

  /**
   * The view of an action nobody here knew when the wait began (a long poll on a 202 proposal):
   * from the follower's events if they come, else from the read model once it shows the action,
   * read again with a backoff, since the proposal may have been decided before the watch began.
   */
  async appearance(timeoutMs: number): Promise<ActionView | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (let pause = FIRST_REREAD_MS; ; pause = Math.min(pause * 2, MAX_APPEARANCE_REREAD_MS)) {
      const fromLog = proposalAnswer(this.watch.events);
      if (fromLog) {
        this.source.remember(fromLog);
        return fromLog;
      }
      const stored = await this.source.view();
      if (stored) return advance(stored, this.watch.events) ?? stored;
      const left = deadline - Date.now();
      if (left <= 0) return advance(undefined, this.watch.events);
      await this.watch.next(Math.min(pause, left));
    }
  }

  /**
   * What the router did with `commandId`. `seen`: the action as the caller read it after the watch
   * began, if it did (saves a read); otherwise it is read now, while the router works.
   */
  async answer(commandId: string, timeoutMs: number, seen?: ActionView): Promise<CommandAnswer> {
    const deadline = Date.now() + timeoutMs;
    const base = this.base(seen);
    // A command id the router handled before is a no-op now: only the view can say what it did.
    const outcome = await this.until(deadline, () => outcomeOf(this.watch.events, commandId) ?? handledIn(base.value, commandId));
    const best = () => advance(base.value, this.watch.events);
    if (!outcome) return { kind: 'pending', view: best() };
    const view = await this.through(outcome.seq, base, deadline);
    if (outcome.kind === 'rejected') {
      const shown = view ?? best();
      return shown ? { kind: 'rejected', view: shown, code: outcome.code, reason: outcome.reason } : { kind: 'pending', view: undefined };
    }
    return view ? { kind: 'done', view } : { kind: 'pending', view: best() };
  }

  /** The view once the action is decided (long polls), or the latest one known after `timeoutMs`. */
  async decided(timeoutMs: number, seen: ActionView): Promise<ActionView> {
    const deadline = Date.now() + timeoutMs;
    const base = this.base(seen);
    const seq = await this.until(deadline, () => decisionSeq(this.watch.events));
    const view = seq === undefined ? undefined : await this.through(seq, base, deadline);
    return view ?? advance(seen, this.watch.events) ?? seen;
  }

  /**
   * A view through `seq`: the base continued by the follower's events; if they do not continue
   * it, the read model read again until it does (or until the deadline: undefined).
   */
  private async through(seq: number, base: Base, deadline: number): Promise<ActionView | undefined> {
    await this.until(deadline, () => (base.settled ? true : undefined));
    let view = advance(base.value, this.watch.events);
    for (let pause = FIRST_REREAD_MS; !(view && view.lastSeq >= seq); pause = Math.min(pause * 2, MAX_REREAD_MS)) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.watch.next(Math.min(pause, left));
      view = newer(view, advance(await this.source.view(), this.watch.events));
    }
    this.source.remember(view);
    return view;
  }

  /** The base view: given, or read now in the background (waking the watch when it arrives). */
  private base(seen: ActionView | undefined): Base {
    if (seen) return { settled: true, value: seen };
    const base: Base = { settled: false, value: undefined };
    void this.source.view().then((value) => {
      Object.assign(base, { settled: true, value });
      this.watch.wake();
    });
    return base;
  }

  /** Waits for `check` to give something, re-checking at each delivery for the action. */
  private async until<T>(deadline: number, check: () => T | undefined): Promise<T | undefined> {
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.watch.next(left);
    }
  }
}

interface Base {
  settled: boolean;
  value: ActionView | undefined;
}

/** The outcome of a command the view shows handled already (its rejection, if it was refused). */
function handledIn(view: ActionView | undefined, commandId: string): CommandOutcome | undefined {
  if (!view?.handled.includes(commandId)) return undefined;
  const rejection = view.rejections.find((r) => r.commandId === commandId);
  return rejection ? { kind: 'rejected', seq: view.lastSeq, code: rejection.code, reason: rejection.reason } : { kind: 'done', seq: view.lastSeq };
}
