/**
 * Keeps a small file holding the latest of a fast-changing value (a consumer position, a topic's
 * acknowledged length). Values change far faster than files can be fsync'ed, so saves are
 * coalesced: one write in flight, at most one per `minIntervalMs`, always the latest value;
 * `flush()` forces the latest one out (close). `save` makes one value durable.
 */

export class LatestFileWriter<T> {
  private desired: T | undefined;
  private saved: T | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStart = 0;

  constructor(
    /** Names the file in warnings. */
    private readonly path: string,
    private readonly save: (value: T) => Promise<void>,
    private readonly log: (msg: string) => void,
    private readonly minIntervalMs: number,
    /** The value the file holds already, if known. */
    saved?: T,
  ) {
    this.desired = saved;
    this.saved = saved;
  }

  set(value: T): void {
    this.desired = value;
    this.schedule();
  }

  /** Saves the latest value now; rejects if it cannot be saved. */
  async flush(): Promise<void> {
    while (this.desired !== this.saved) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.writing) await this.writing; // a background write: failures are retried below
      else await this.startWrite(true);
    }
  }

  private schedule(): void {
    if (this.writing || this.timer || this.desired === this.saved) return;
    const wait = this.lastStart + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.startWrite().catch(() => undefined);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWrite().catch(() => undefined);
    }, wait);
  }

  /** Background writes log failures and wait for the next `set`; a flush's write rethrows. */
  private startWrite(rethrow = false): Promise<void> {
    const target = this.desired as T;
    this.lastStart = Date.now();
    const write = this.save(target)
      .then(() => {
        this.saved = target;
        this.writing = undefined;
        this.schedule();
      })
      .catch((error: unknown) => {
        this.writing = undefined;
        this.log(`event log: could not save ${this.path}: ${String(error)}`);
        if (rethrow) throw error;
      });
    this.writing = write;
    return write;
  }
}
