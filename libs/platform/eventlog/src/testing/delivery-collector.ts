/**
 * Test helper: a batch handler that records what it is given, and lets a test wait until some
 * number of records has arrived (a promise, not a polling sleep).
 */
import type { BatchHandler, DeliveredRecord } from '../event-log.port.ts';

export interface DeliveryCollector {
  readonly records: DeliveredRecord[];
  readonly batches: DeliveredRecord[][];
  readonly handler: BatchHandler;
  /** Resolves with all records so far once at least `count` have arrived. */
  until(count: number, what: string, timeoutMs?: number): Promise<DeliveredRecord[]>;
}

/** `before` runs first on each batch; if it throws, the batch counts as failed and is not kept. */
export function collectDeliveries(before?: (batch: DeliveredRecord[]) => void | Promise<void>): DeliveryCollector {
  const records: DeliveredRecord[] = [];
  const batches: DeliveredRecord[][] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  return {
    records,
    batches,
    async handler(batch) {
      await before?.(batch);
      batches.push(batch);
      records.push(...batch);
      const ready = waiters.filter((w) => records.length >= w.count);
      waiters = waiters.filter((w) => records.length < w.count);
      for (const w of ready) w.resolve();
    },
    async until(count, what, timeoutMs = 20_000) {
      if (records.length < count) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => waiters.push({ count, resolve })),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${records.length} of ${count} records delivered`)), timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
      }
      return records;
    },
  };
}
