import { TOPICS, type DeadLetter } from '@countersign/contracts';
import type { DeliveredRecord, EventLog } from '@countersign/eventlog';

/** Moves a record that cannot be processed to the dead-letter topic, with the reason, unchanged. */
export async function deadLetter(log: EventLog, group: string, record: DeliveredRecord, reason: string, now: Date): Promise<void> {
  const letter: DeadLetter = {
    topic: record.topic,
    offset: record.offset,
    key: record.key,
    consumerGroup: group,
    reason,
    failedAt: now.toISOString(),
    value: record.raw,
  };
  await log.append(TOPICS.deadLetter, [{ key: record.key || 'unkeyed', value: letter }]);
}
