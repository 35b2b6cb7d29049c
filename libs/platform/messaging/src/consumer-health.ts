import type { SubscriptionStatus } from '@countersign/eventlog';
import type { Readiness } from '@countersign/runtime';

export interface HealthBounds {
  /** A consumer failing (or making no progress with records waiting) this long is reported stuck. */
  stuckAfterMs: number;
  /** More records than this waiting is reported as lagging. */
  maxLag: number;
}

export const DEFAULT_HEALTH_BOUNDS: HealthBounds = { stuckAfterMs: 30_000, maxLag: 10_000 };

/**
 * One consumer group's part of /readyz: not ready until its partitions are assigned (and, for
 * read models that rebuild, until the backlog present at start is handled); unhealthy while its
 * consumer is being rebuilt, while it is stuck on a record or without progress, and while it
 * lags beyond the bound. Each problem names the group and says why.
 */
export class ConsumerHealth {
  private readonly name: string;
  private assignedOnce = false;
  private backlog: number | undefined;
  private handledSinceStart = 0;
  private caughtUp: boolean;
  private ready: (() => void) | undefined;
  private recovering: string | undefined;
  private failure: { since: number; error: string } | undefined;
  private lastProgress: number;
  private lastLag: number | undefined;

  constructor(
    group: string,
    private readonly readiness: Readiness,
    private readonly bounds: HealthBounds,
    readyWhenCaughtUp: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.name = `consumer ${group}`;
    this.caughtUp = !readyWhenCaughtUp;
    this.ready = readiness.pending(this.name);
    this.lastProgress = now();
  }

  /** The records waiting when the subscription started: the rebuild is done once they are handled. */
  startedWith(lag: number | undefined): void {
    this.backlog = lag ?? 0;
    this.settle();
  }

  assigned(): void {
    this.assignedOnce = true;
    this.lastProgress = this.now();
    this.settle();
  }

  status(status: SubscriptionStatus): void {
    this.recovering = status.state === 'recovering' ? status.detail ?? 'recovering' : undefined;
    if (status.state === 'running') this.lastProgress = this.now();
    this.publish();
  }

  handled(count: number): void {
    this.handledSinceStart += count;
    this.failure = undefined;
    this.lastProgress = this.now();
    this.settle();
  }

  failed(error: unknown, where: string): void {
    const message = error instanceof Error ? error.message : String(error);
    this.failure = { since: this.failure?.since ?? this.now(), error: `${where}: ${message.split('\n')[0]}` };
    this.publish();
  }

  /** The periodic look at the lag: a consumer with records waiting and no progress is stuck. */
  observeLag(lag: number | undefined): void {
    this.lastLag = lag;
    if (lag === 0) {
      this.lastProgress = this.now();
      // Nothing waiting: caught up, whatever the count at start said (Kafka's lag counts
      // transaction markers, which are never delivered, so the count can stay short of it).
      this.handledSinceStart = Math.max(this.handledSinceStart, this.backlog ?? 0);
    }
    this.settle();
  }

  /** Why the consumer is unhealthy now, or undefined. */
  problem(): string | undefined {
    const now = this.now();
    if (this.recovering) return `recovering: ${this.recovering}`;
    if (this.failure && now - this.failure.since >= this.bounds.stuckAfterMs) {
      return `stuck for ${Math.round((now - this.failure.since) / 1000)} s: ${this.failure.error}`;
    }
    if (this.lastLag !== undefined && this.lastLag > 0 && now - this.lastProgress >= this.bounds.stuckAfterMs) {
      return `stuck: ${this.lastLag} record(s) waiting and none handled for ${Math.round((now - this.lastProgress) / 1000)} s`;
    }
    if (this.lastLag !== undefined && this.lastLag > this.bounds.maxLag) return `lagging: ${this.lastLag} records behind (bound ${this.bounds.maxLag})`;
    return undefined;
  }

  close(): void {
    this.readiness.problem(this.name, undefined);
  }

  private settle(): void {
    if (!this.caughtUp && this.backlog !== undefined && this.handledSinceStart >= this.backlog) this.caughtUp = true;
    if (this.ready && this.assignedOnce && this.caughtUp) {
      this.ready();
      this.ready = undefined;
    }
    this.publish();
  }

  private publish(): void {
    this.readiness.problem(this.name, this.problem());
  }
}
