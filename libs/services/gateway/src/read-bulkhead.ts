/**
 * At most `limit` read-model queries of this gateway outstanding at once. A query holds its slot
 * until the server has answered it, even after its request was answered 503 for a deadline: the
 * driver stops waiting, the server does not stop working. Without this, every retry of a timed-out
 * request added a query to those still running, and a read model slowed by an outage never caught
 * up again (FerretDB on SQLite stayed at 100 % CPU on abandoned queries while every request got a
 * 503). Queries wait for a slot in arrival order; one whose request has given up by then is never
 * sent.
 */
export class ReadBulkhead {
  /** Reads that may wait for a slot; past it a read is refused at once (its request gets a 503). */
  static readonly MAX_QUEUED = 1000;
  private active = 0;
  private readonly queue: Array<{ start: () => void; cancelled: () => boolean }> = [];

  constructor(readonly limit: number) {}

  /** Queries running now, and waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  /**
   * Runs `query` once a slot is free. `cancelled` is asked when the slot frees up: true means the
   * caller stopped waiting, and the query is skipped (the returned promise then rejects).
   */
  run<T>(query: () => Promise<T>, cancelled: () => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The slot is freed before the caller hears the answer, so the next query is on its way.
      const settle = <V>(pass: (value: V) => void) => (value: V) => {
        this.active -= 1;
        this.next();
        pass(value);
      };
      const start = () => {
        this.active += 1;
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
