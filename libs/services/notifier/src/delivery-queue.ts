import type { NotificationPurpose } from '@countersign/contracts';
import { retryDelay, type RetryPolicy } from './backoff.ts';
import { DeliveryError } from './channel.port.ts';
import type { PlannedDelivery } from './delivery-plan.ts';

export type DeliveryOutcome<D extends PlannedDelivery = PlannedDelivery> =
  | { ok: true; delivery: D; attempt: number; ref?: Record<string, string> }
  | { ok: false; delivery: D; attempt: number; reason: string; detail?: string; nextAttemptAt?: string };

/** Recorded for errors no adapter expected (a bug, a library's own error): their text goes to the log only. */
export const UNEXPECTED_FAILURE = 'unexpected error (see the notifier log)';

/** What is recorded, and what the operator log adds, for an error an attempt threw. */
function failureOf(error: unknown): { reason: string; detail?: string } {
  if (error instanceof DeliveryError) return { reason: error.message || 'delivery failed', ...(error.detail ? { detail: error.detail } : {}) };
  return { reason: UNEXPECTED_FAILURE, detail: (error instanceof Error ? error.message : String(error)) || 'delivery failed' };
}

export interface DeliveryQueueOptions<D extends PlannedDelivery> {
  /** Carries out one attempt; throws (a DeliveryError, ideally) when it fails. */
  execute(delivery: D): Promise<Record<string, string> | undefined>;
  /** Records an attempt's outcome (the notifier sends it to the router). */
  report(outcome: DeliveryOutcome<D>): Promise<void>;
  /** Told when `report` itself fails: the queue carries on regardless. */
  onReportError?(error: unknown, outcome: DeliveryOutcome<D>): void;
  retry: RetryPolicy;
  now(): Date;
  random?(): number;
  /** Attempts in flight at once; the rest wait their turn. */
  concurrency?: number;
}

interface Job<D> {
  delivery: D;
  attempt: number;
  timer?: NodeJS.Timeout;
}

/** Keys remembered as done, to ignore redeliveries; the oldest are forgotten past this many. */
const SETTLED_LIMIT = 100_000;

/**
 * The notifier's in-process queue: deliveries run here, never in the log consumer's batch handler,
 * so a slow or dead channel never holds up events. Failures are retried with backoff; every
 * attempt is reported. A delivery already queued, in flight or done is not queued again.
 */
export function createDeliveryQueue<D extends PlannedDelivery>(options: DeliveryQueueOptions<D>) {
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? 8;
  const active = new Map<string, Job<D>>();
  const settled = new Set<string>();
  const ready: Job<D>[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = 0;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const idOf = (d: D) => `${d.actionId}|${d.key}`;

  function settle(job: Job<D>): void {
    const id = idOf(job.delivery);
    active.delete(id);
    settled.add(id);
    if (settled.size > SETTLED_LIMIT) settled.delete(settled.values().next().value as string);
  }

  function checkIdle(): void {
    if (active.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  async function report(outcome: DeliveryOutcome<D>): Promise<void> {
    try {
      await options.report(outcome);
    } catch (error) {
      options.onReportError?.(error, outcome);
    }
  }

  async function attempt(job: Job<D>): Promise<void> {
    const { delivery } = job;
    try {
      const ref = await options.execute(delivery);
      settle(job);
      await report({ ok: true, delivery, attempt: job.attempt, ...(ref ? { ref } : {}) });
    } catch (error) {
      // Errors that are not DeliveryErrors are surprises (a bug, a library's own error): worth a retry.
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const failure = failureOf(error);
      const delay = retryable && !closed && active.has(idOf(delivery)) ? retryDelay(job.attempt, options.retry, random()) : undefined;
      if (delay === undefined) {
        settle(job);
        await report({ ok: false, delivery, attempt: job.attempt, ...failure });
        return;
      }
      await report({ ok: false, delivery, attempt: job.attempt, ...failure, nextAttemptAt: new Date(options.now().getTime() + delay).toISOString() });
      if (closed || !active.has(idOf(delivery))) return;
      job.timer = setTimeout(() => {
        job.timer = undefined;
        job.attempt += 1;
        ready.push(job);
        pump();
      }, delay);
      job.timer.unref?.();
    }
  }

  function pump(): void {
    while (!closed && running < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      running += 1;
      const run: Promise<void> = attempt(job).finally(() => {
        running -= 1;
        inFlight.delete(run);
        pump();
        checkIdle();
      });
      inFlight.add(run);
    }
  }

  return {
    /** Queues a delivery; false when it is already queued, in flight or done. */
    enqueue(delivery: D): boolean {
      const id = idOf(delivery);
      if (closed || active.has(id) || settled.has(id)) return false;
      const job: Job<D> = { delivery, attempt: 1 };
      active.set(id, job);
      ready.push(job);
      pump();
      return true;
    },
    /** Drops an action's deliveries of these purposes that are still to be tried (it was decided). */
    cancel(actionId: string, purposes: readonly NotificationPurpose[]): void {
      for (const [id, job] of active) {
        if (job.delivery.actionId !== actionId || !purposes.includes(job.delivery.purpose)) continue;
        // An attempt in flight finishes and is reported; it is just not tried again.
        if (job.timer) clearTimeout(job.timer);
        const waiting = ready.indexOf(job);
        if (waiting >= 0) ready.splice(waiting, 1);
        active.delete(id);
      }
      checkIdle();
    },
    /** Deliveries queued, in flight or waiting to retry. */
    get size(): number {
      return active.size;
    },
    /** Resolves once nothing is queued, in flight or waiting to retry. */
    idle(): Promise<void> {
      return active.size === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
    },
    /** Stops retrying and waits for the attempts in flight. */
    async close(): Promise<void> {
      closed = true;
      for (const job of active.values()) if (job.timer) clearTimeout(job.timer);
      ready.length = 0;
      await Promise.allSettled([...inFlight]);
      active.clear();
      checkIdle();
    },
  };
}

export type DeliveryQueue<D extends PlannedDelivery = PlannedDelivery> = ReturnType<typeof createDeliveryQueue<D>>;
