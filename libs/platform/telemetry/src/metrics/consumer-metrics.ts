import type { Attributes } from '@opentelemetry/api';
import { instruments, onInstruments } from './instruments.ts';

/**
 * Metrics of the one consume path (the transport's consumer groups) and of the event logs under
 * it. Labels are the group's name as the services declare it (not the per-instance name of a
 * broadcast group), the topic, the partition number: all bounded.
 */

export type DeadLetterReason = 'not_json' | 'invalid' | 'unprocessable' | 'attempts_exhausted';
export type FailureType = 'transient' | 'unprocessable' | 'error';

/** A consumer group's counters, with its attributes made once. */
export class ConsumerMetrics {
  private readonly group: Attributes;

  constructor(group: string) {
    this.group = { group };
  }

  handled(records: number): void {
    instruments().recordsHandled.add(records, this.group);
  }

  deadLettered(reason: DeadLetterReason): void {
    instruments().deadLetters.add(1, { ...this.group, reason });
  }

  failed(errorType: FailureType): void {
    instruments().handlerFailures.add(1, { ...this.group, error_type: errorType });
  }

  /** A bounded retry follows a failed attempt at a whole batch, or at one record (walking a failing batch). */
  retried(scope: 'batch' | 'record'): void {
    instruments().retries.add(1, { ...this.group, scope });
  }
}

export interface PartitionLag {
  partition: number;
  lag: number;
}

const lagReadings = new Map<object, Map<string, { group: string; topic: string; partitions: readonly PartitionLag[] }>>();
onInstruments((i) => i.consumerLag.addCallback((result) => {
  for (const groups of lagReadings.values()) {
    for (const { group, topic, partitions } of groups.values()) {
      for (const { partition, lag } of partitions) result.observe(lag, { group, topic, partition: String(partition) });
    }
  }
}));

/**
 * The consumer lag gauge of one transport: it keeps the last readings the transport took (it looks
 * at the lag periodically for readiness anyway), so a scrape costs no call to the log.
 */
export class ConsumerLagGauge {
  private readonly readings = new Map<string, { group: string; topic: string; partitions: readonly PartitionLag[] }>();

  constructor() {
    lagReadings.set(this, this.readings);
  }

  /**
   * The latest per-partition lag of `group` on `topic`. Undefined (the log cannot tell now: brokers
   * away) keeps the last reading, as the SDK would show anyway; readiness reports the outage.
   */
  set(group: string, topic: string, partitions: readonly PartitionLag[] | undefined): void {
    if (partitions) this.readings.set(`${group}\u0000${topic}`, { group, topic, partitions });
  }

  close(): void {
    lagReadings.delete(this);
  }
}

/**
 * Times making a handled batch durable (`log`: kafka or file), recording whether it succeeded;
 * the work's result or error passes through unchanged.
 */
export async function timeBatchCommit<T>(log: 'kafka' | 'file', group: string, commit: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome = 'error';
  try {
    const result = await commit();
    outcome = 'ok';
    return result;
  } finally {
    instruments().commitDuration.record((performance.now() - started) / 1000, { log, group, outcome });
  }
}
