/**
 * Records on Kafka: the key is the record key (UTF-8), the value the JSON text (or, for
 * `appendRaw`, any text). Delivered records keep the raw text so poison can be dead-lettered as is.
 */
import type { DeliveredRecord, LogRecord, RawLogRecord } from '../event-log.port.ts';

export interface KafkaMessageLike {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface OutgoingMessage {
  key: string;
  value: string;
}

export function encodeRecords(topic: string, records: readonly LogRecord[]): OutgoingMessage[] {
  return records.map((r, i) => {
    const value = JSON.stringify(r.value) as string | undefined;
    if (value === undefined) throw new TypeError(`event log: record #${i} for ${topic} has no JSON value`);
    return { key: r.key, value };
  });
}

export function encodeRawRecords(records: readonly RawLogRecord[]): OutgoingMessage[] {
  return records.map((r) => ({ key: r.key, value: r.raw }));
}

export function toDelivered(topic: string, partition: number, message: KafkaMessageLike): DeliveredRecord {
  const raw = message.value ? message.value.toString('utf8') : '';
  return { topic, partition, key: message.key ? message.key.toString('utf8') : '', offset: message.offset, raw, value: parseOrUndefined(raw) };
}

function parseOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
