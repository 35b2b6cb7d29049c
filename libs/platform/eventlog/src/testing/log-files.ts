/** Test helpers for the embedded log's files: write a topic, read it back through the log. */
import { join } from 'node:path';
import type { DeliveredRecord } from '../event-log.port.ts';
import { createFileEventLog } from '../file-event-log.ts';

/** Opens the log in `dir`, reads the whole topic and closes it; warnings are collected. */
export async function readTopic(dir: string, topic: string, warnings: string[] = []): Promise<DeliveredRecord[]> {
  const log = await createFileEventLog({ dir, log: (m) => warnings.push(m) });
  const records: DeliveredRecord[] = [];
  await log.readAll(topic, (batch) => void records.push(...batch));
  await log.close();
  return records;
}

/** Appends `count` records `{ n }` to topic `t`, `perBatch` per append, and returns the topic file's path. */
export async function logWith(dir: string, count: number, perBatch = 1): Promise<string> {
  const log = await createFileEventLog({ dir, log: () => undefined });
  for (let n = 0; n < count; n += perBatch) {
    await log.append('t', Array.from({ length: Math.min(perBatch, count - n) }, (_, i) => ({ key: 'k', value: { n: n + i } })));
  }
  await log.close();
  return join(dir, 'topics', 't.log');
}
