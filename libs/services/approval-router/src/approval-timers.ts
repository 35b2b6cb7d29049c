import type { ApprovalTimer } from '@countersign/approval';

/**
 * One timer per pending action, armed for what `nextTimer` says comes next (its escalation, then
 * its deadline). setTimeout cannot wait longer than ~24.8 days, so long waits are re-armed in steps.
 */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class ApprovalTimers {
  private readonly timers = new Map<string, { due: ApprovalTimer; timer: NodeJS.Timeout }>();

  constructor(
    private readonly now: () => Date,
    private readonly onDue: (actionId: string, due: ApprovalTimer) => void,
  ) {}

  /** Arms (or re-arms) the timer of `actionId`; `undefined` disarms it. The same timer again is a no-op. */
  set(actionId: string, due: ApprovalTimer | undefined): void {
    const current = this.timers.get(actionId);
    if (current && due && current.due.at === due.at && current.due.command === due.command) return;
    if (current) clearTimeout(current.timer);
    this.timers.delete(actionId);
    if (due) this.arm(actionId, due);
  }

  private arm(actionId: string, due: ApprovalTimer): void {
    const delay = Math.max(0, Date.parse(due.at) - this.now().getTime());
    const timer = setTimeout(() => {
      if (delay > MAX_DELAY_MS) return this.arm(actionId, due);
      this.timers.delete(actionId);
      this.onDue(actionId, due);
    }, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
    this.timers.set(actionId, { due, timer });
  }

  /** The timer armed for `actionId`, if any. */
  get(actionId: string): ApprovalTimer | undefined {
    return this.timers.get(actionId)?.due;
  }

  get size(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
