import type { ActionEvent } from '@countersign/contracts';

/**
 * Events kept per watched action: a proposal's answer takes three to five, a command's one to
 * three. Older ones fall out of the window; an answer that needed them waits for the read model.
 */
export const EVENTS_PER_ACTION = 32;

interface Entry {
  watches: number;
  /** The action's events the follower delivered since someone began watching it, oldest first. */
  events: ActionEvent[];
  listeners: Set<() => void>;
}

/** Every watch the room may hold is taken: the request is refused before anything is sent. */
export class RoomFull extends Error {}

/**
 * What the requests of one gateway instance are waiting on, by action id: the follower of the
 * events topic asks `watching(key)` of every record (before it is even validated) and hands the
 * events of watched actions to `deliver`, which wakes their watches. A request enters BEFORE its
 * command is appended, so no event it waits for can pass unseen. Bounded: at most `capacity`
 * watches at once, and EVENTS_PER_ACTION events per action.
 */
export class WaitingRoom {
  private readonly entries = new Map<string, Entry>();
  private open = 0;

  constructor(readonly capacity: number) {}

  /** How many watches are open. */
  get size(): number {
    return this.open;
  }

  /** Whether any request waits on this action: the follower's filter, on the record's key. */
  watching(actionId: string): boolean {
    return this.entries.has(actionId);
  }

  /** Starts watching `actionId`; leave the watch when done. Throws RoomFull at capacity. */
  enter(actionId: string): Watch {
    if (this.open >= this.capacity) throw new RoomFull(`${this.capacity} requests are waiting for answers already`);
    let entry = this.entries.get(actionId);
    if (!entry) {
      entry = { watches: 0, events: [], listeners: new Set() };
      this.entries.set(actionId, entry);
    }
    entry.watches += 1;
    this.open += 1;
    const held = entry;
    return new Watch(actionId, held, () => {
      this.open -= 1;
      held.watches -= 1;
      if (held.watches === 0) this.entries.delete(actionId);
    });
  }

  /** Keeps the events of watched actions (any others are ignored) and wakes their watches once. */
  deliver(events: readonly ActionEvent[]): void {
    const touched = new Set<Entry>();
    for (const event of events) {
      const entry = this.entries.get(event.streamId);
      if (!entry) continue;
      entry.events.push(event);
      if (entry.events.length > EVENTS_PER_ACTION) entry.events.shift();
      touched.add(entry);
    }
    for (const entry of touched) wake(entry);
  }
}

function wake(entry: Entry): void {
  for (const listener of [...entry.listeners]) listener();
}

/** One request's watch over one action. */
export class Watch {
  private left = false;

  constructor(
    readonly actionId: string,
    private readonly entry: Entry,
    private readonly onLeave: () => void,
  ) {}

  /** The action's events delivered since anyone began watching it (at most EVENTS_PER_ACTION, the latest). */
  get events(): readonly ActionEvent[] {
    return this.entry.events;
  }

  /** Resolves at the next delivery for this action (or `wake`), or after `ms`, whichever is first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.entry.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.entry.listeners.add(done);
    });
  }

  /** Wakes whoever waits on this action (something besides the log changed, e.g. a read returned). */
  wake(): void {
    wake(this.entry);
  }

  /** Stops watching; idempotent. The action is forgotten once nobody watches it. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.onLeave();
  }
}
