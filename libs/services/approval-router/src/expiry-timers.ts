/**
 * One timer per pending action, firing at its deadline. setTimeout cannot wait longer than
 * ~24.8 days, so long deadlines are re-armed in steps.
 */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class ExpiryTimers {
  private readonly timers = new Map<string, { deadline: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly now: () => Date,
    private readonly onDue: (actionId: string, deadline: string) => void,
  ) {}

  /** Arms (or re-arms) the timer of `actionId`; `undefined` disarms it. */
  set(actionId: string, deadline: string | undefined): void {
    const current = this.timers.get(actionId);
    if (current?.deadline === deadline) return;
    if (current) clearTimeout(current.timer);
    this.timers.delete(actionId);
    if (!deadline) return;
    this.arm(actionId, deadline);
  }

  private arm(actionId: string, deadline: string): void {
    const delay = Math.max(0, Date.parse(deadline) - this.now().getTime());
    const timer = setTimeout(() => {
      if (delay > MAX_DELAY_MS) return this.arm(actionId, deadline);
      this.timers.delete(actionId);
      this.onDue(actionId, deadline);
    }, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
    this.timers.set(actionId, { deadline, timer });
  }

  get size(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
