import type { DeadLetter } from '@countersign/contracts';
import type { DeliveredRecord, LogRecord } from '@countersign/eventlog';

/** The dead-letter record of a message that cannot be processed: the reason, and the raw value unchanged. */
export function deadLetterRecord(group: string, record: DeliveredRecord, reason: string, now: Date): LogRecord {
  const letter: DeadLetter = {
    topic: record.topic,
    offset: `${record.partition}/${record.offset}`,
    key: record.key,
    consumerGroup: group,
    reason,
    failedAt: now.toISOString(),
    value: record.raw,
  };
  return { key: record.key || 'unkeyed', value: letter };
}
