import type { ActionEvent } from '@countersign/contracts';

/** Events of one action held back while an earlier one is missing (the rest are read again later). */
export const MAX_HELD = 1000;
/** While events are missing, the read model is read again soon at first, then less often. */
const FIRST_REFILL_MS = 10;
const MAX_REFILL_MS = 1000;

export interface ActionStreamIo {
  /** The action's events with a seq above `afterSeq`, in seq order, from the read model (may stop short). */
  read(afterSeq: number): Promise<readonly ActionEvent[]>;
  /** Writes one event to the client. */
  send(event: ActionEvent): void;
  /** Pauses between re-reads (a timer; tests may step it). */
  sleep(ms: number): Promise<void>;
}

/**
 * The order of one action's event stream: every event exactly once, in seq order, without gaps.
 * Events come from two sources that overlap and race: the read model (what the projector has
 * written) and the follower of the events topic (live, from the moment the stream registered
 * with the tap). Each is offered here; an event at or below the last one sent is a duplicate and
 * dropped; the next seq is sent at once; a later one is held until the ones before it arrive.
 * When the stream knows of events it has not got (a live event past a gap, or a view that says
 * the action has more), it reads the read model for them, again with a growing pause until the
 * projector has written them: only then, never in an idle loop.
 */
export class ActionStream {
  private last: number;
  /** The highest seq known to exist. */
  private known: number;
  private readonly held = new Map<number, ActionEvent>();
  private started = false;
  private closed = false;
  private filling = false;

  constructor(
    after: number,
    private readonly io: ActionStreamIo,
  ) {
    this.last = after;
    this.known = after;
  }

  /** The seq of the last event sent (or resumed after). */
  get position(): number {
    return this.last;
  }

  /** Whether events are known to exist that have not been sent. */
  get behind(): boolean {
    return this.known > this.last;
  }

  /** Events from the read model, in seq order. */
  offer(events: readonly ActionEvent[]): void {
    for (const event of events) this.hold(event);
    this.drain();
  }

  /** One event from the follower. */
  live(event: ActionEvent): void {
    if (this.closed) return;
    this.hold(event);
    this.drain();
    this.fillIfBehind();
  }

  /** The action is known to have reached `seq` (e.g. its view says so): missing events are read. */
  expect(seq: number): void {
    this.known = Math.max(this.known, seq);
    this.fillIfBehind();
  }

  /** Begins sending (after the response's headers are written). */
  start(): void {
    this.started = true;
    this.drain();
    this.fillIfBehind();
  }

  /** Reads the read model once more (the projector caught up with where the follower was), then fills any gap. */
  async refresh(): Promise<void> {
    if (this.closed) return;
    this.offer(await this.io.read(this.last).catch(() => []));
    this.fillIfBehind();
  }

  close(): void {
    this.closed = true;
    this.held.clear();
  }

  private hold(event: ActionEvent): void {
    if (event.seq <= this.last || this.closed) return;
    this.known = Math.max(this.known, event.seq);
    if (this.held.has(event.seq)) return;
    this.held.set(event.seq, event);
    if (this.held.size > MAX_HELD) this.held.delete(Math.max(...this.held.keys())); // read again once the rest is sent
  }

  private drain(): void {
    if (!this.started || this.closed) return;
    for (let next = this.held.get(this.last + 1); next; next = this.held.get(this.last + 1)) {
      this.held.delete(next.seq);
      this.last = next.seq;
      this.io.send(next);
      if (this.closed) return;
    }
  }

  private fillIfBehind(): void {
    if (!this.started || this.closed || this.filling || !this.behind) return;
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
    });
  }

  /** Reads what is missing until it is all sent, the stream closes, or nothing is known missing. */
  private async fill(): Promise<void> {
    let pause = FIRST_REFILL_MS;
    while (this.behind && !this.closed) {
      const before = this.last;
      this.offer(await this.io.read(this.last).catch(() => []));
      if (!this.behind || this.closed) return;
      // Progress means the projector is moving: look again soon; otherwise back off.
      pause = this.last > before ? FIRST_REFILL_MS : Math.min(pause * 2, MAX_REFILL_MS);
      await this.io.sleep(pause);
    }
  }
}
