export type Admission = 'new' | 'redelivery' | 'replay' | 'full';

/**
 * The signed proposals an evaluator has seen while they are fresh, to refuse a replay: the same
 * command id from the same signer in another record. The record a command first came in is
 * remembered with it, so the log delivering that record again (a retried batch, a hand-over
 * before the commit) is told apart from a copy written again. An entry is dropped once its record
 * is stale (the freshness check refuses it from then on), and there are at most `capacity`, so
 * memory is bounded by the rate of proposals times the freshness window.
 */
export class ReplayGuard {
  /** In arrival order; expiries are close to arrival order, so pruning from the front suffices. */
  private readonly seen = new Map<string, { record: string; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.seen.size;
  }

  /**
   * Whether `command` (signer and command id) in `record` (partition/offset) may be processed:
   * `new` and `redelivery` may; `replay` is a copy; `full` means every slot holds a fresh command,
   * so the caller should wait rather than forget one (and let its copy through).
   */
  admit(command: string, record: string, expiresAt: number, now: number): Admission {
    this.prune(now);
    const known = this.seen.get(command);
    if (known) return known.record === record ? 'redelivery' : 'replay';
    if (this.seen.size >= this.capacity) this.prune(now, true);
    if (this.seen.size >= this.capacity) return 'full';
    this.seen.set(command, { record, expiresAt });
    return 'new';
  }

  /** Drops expired entries from the front (cheap), or all of them (`sweep`, when full). */
  private prune(now: number, sweep = false): void {
    for (const [command, entry] of this.seen) {
      if (entry.expiresAt >= now) {
        if (sweep) continue;
        return;
      }
      this.seen.delete(command);
    }
  }
}
