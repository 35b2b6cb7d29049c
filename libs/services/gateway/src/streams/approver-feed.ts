import type { AuditEntry } from '@countersign/audit';

/** Entry ids one feed remembers having sent, to drop what the replay and the live part both bring. */
export const REMEMBERED_IDS = 10_000;
/** Live entries one feed holds while it replays; past it the feed is closed (the client resumes). */
export const MAX_BUFFERED = 10_000;

export interface ApproverFeedIo {
  /** The caller's feed entries at or after `from`, in the audit trail's order, a page at a time. */
  replay(from: string, page: (entries: readonly AuditEntry[]) => void): Promise<void>;
  send(entry: AuditEntry): void;
  /** Too much arrived while replaying: close the stream. */
  overflow(): void;
}

/**
 * One connection's approver feed: entries (audit rows) from a replay of the read model and from
 * the live hub, each sent once. While a replay runs, live entries wait, so a page and a live
 * entry never interleave out of order; ids sent recently are remembered, so an entry both bring
 * is sent once.
 */
export class ApproverFeed {
  private replaying = 0;
  private waiting: AuditEntry[] = [];
  private readonly sent = new Set<string>();
  private closed = false;

  /**
   * `principals`: whose requests and decisions the feed carries: the caller first, then the
   * delegators whose delegation to the caller was active when the feed opened.
   */
  constructor(
    readonly principals: readonly string[],
    private readonly io: ApproverFeedIo,
  ) {}

  /** An entry from the hub: it concerns one of this feed's principals (perhaps several: it is sent once). */
  live(entry: AuditEntry): void {
    if (this.closed) return;
    if (this.replaying === 0) return this.emit(entry);
    this.waiting.push(entry);
    if (this.waiting.length > MAX_BUFFERED) {
      this.close();
      this.io.overflow();
    }
  }

  /** Sends the read model's entries from `from` on, then what arrived live meanwhile. */
  async replay(from: string): Promise<void> {
    this.replaying += 1;
    try {
      await this.io.replay(from, (entries) => {
        for (const entry of entries) this.emit(entry);
      });
    } finally {
      this.replaying -= 1;
      if (this.replaying === 0) this.flush();
    }
  }

  close(): void {
    this.closed = true;
    this.waiting = [];
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const entry of waiting) this.emit(entry);
  }

  private emit(entry: AuditEntry): void {
    if (this.closed || this.sent.has(entry._id)) return;
    this.sent.add(entry._id);
    if (this.sent.size > REMEMBERED_IDS) this.sent.delete(this.sent.values().next().value!);
    this.io.send(entry);
  }
}
