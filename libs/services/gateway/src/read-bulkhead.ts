/**
 * At most `limit` read-model queries of this gateway outstanding at once. A query holds its slot
 * until the server has answered it, even after its request was answered 503 for a deadline: the
 * driver stops waiting, the server does not stop working. Without this, every retry of a timed-out
 * request added a query to those still running, and a read model slowed by an outage never caught
 * up again (FerretDB on SQLite stayed at 100 % CPU on abandoned queries while every request got a
 * 503). Queries wait for a slot in arrival order; one whose request has given up by then is never
 * sent.
 *
 * A query the server never answers (a connection that stays open to a hung server) would hold its
 * slot for ever, and once every slot was held the gateway answered 503 to all reads while its
 * process looked healthy. So a slot is taken back after `abandonAfterMs`: the query is counted as
 * abandoned (`onAbandoned`, which the gateway turns into a readiness problem) and its late answer,
 * if one comes, changes nothing.
 */
export class ReadBulkhead {
  /** Reads that may wait for a slot; past it a read is refused at once (its request gets a 503). */
  static readonly MAX_QUEUED = 1000;
  private active = 0;
  private abandoned = 0;
  private readonly queue: Array<{ start: () => void; cancelled: () => boolean }> = [];

  constructor(
    readonly limit: number,
    private readonly options: { abandonAfterMs?: number; onAbandoned?: (total: number) => void; onAnswered?: () => void } = {},
  ) {}

  /** Queries running now, waiting for a slot, and given up on unanswered since the start. */
  get load(): { active: number; queued: number; abandoned: number } {
    return { active: this.active, queued: this.queue.length, abandoned: this.abandoned };
  }

  /**
   * Runs `query` once a slot is free. `cancelled` is asked when the slot frees up: true means the
   * caller stopped waiting, and the query is skipped (the returned promise then rejects).
   */
  run<T>(query: () => Promise<T>, cancelled: () => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let held = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const release = () => {
        if (!held) return false;
        held = false;
        if (timer) clearTimeout(timer);
        this.active -= 1;
        this.next();
        return true;
      };
      // The slot is freed before the caller hears the answer, so the next query is on its way.
      const settle = <V>(pass: (value: V) => void) => (value: V) => {
        if (release()) this.options.onAnswered?.();
        pass(value);
      };
      const start = () => {
        this.active += 1;
        held = true;
        const { abandonAfterMs } = this.options;
        if (abandonAfterMs !== undefined) {
          timer = setTimeout(() => {
            if (!release()) return;
            this.abandoned += 1;
            this.options.onAbandoned?.(this.abandoned);
            reject(new AbandonedRead(abandonAfterMs));
          }, abandonAfterMs);
          timer.unref?.();
        }
        let sent: Promise<T>;
        try {
          sent = query();
        } catch (error) {
          sent = Promise.reject(error);
        }
        sent.then(settle(resolve), settle(reject));
      };
      if (this.active < this.limit) start();
      else if (this.queue.length >= ReadBulkhead.MAX_QUEUED) reject(new Error(`${this.queue.length} reads already wait for the read model`));
      else this.queue.push({ start, cancelled: () => cancelled() && (reject(new SkippedRead()), true) });
    });
  }

  private next(): void {
    while (this.active < this.limit && this.queue.length > 0) {
      const waiter = this.queue.shift()!;
      if (!waiter.cancelled()) waiter.start();
    }
  }
}

/** A queued read whose caller stopped waiting before a slot freed up: it was never sent. */
export class SkippedRead extends Error {
  constructor() {
    super('skipped: its request stopped waiting before the read model had a free slot');
  }
}

/** A query the server did not answer within the bulkhead's bound: its slot was taken back. */
export class AbandonedRead extends Error {
  constructor(ms: number) {
    super(`abandoned: no answer from the read model within ${ms} ms`);
  }
}
