import type { BatchContext, DeliveredRecord, EventLog, LogRecord, RawLogRecord } from './event-log.port.ts';

/**
 * Prefixes every topic and consumer group of a log with `<namespace>.`, so several Countersign
 * systems (test runs, staging next to production) can share one Kafka cluster without seeing each
 * other. Services keep using the plain topic names.
 */
export function namespacedEventLog(log: EventLog, namespace: string): EventLog {
  const topic = (name: string) => `${namespace}.${name}`;
  const strip = (records: DeliveredRecord[], name: string) => records.map((r) => ({ ...r, topic: name }));
  const stage = (context: BatchContext): BatchContext => ({
    append: (name: string, records: readonly LogRecord[]) => context.append(topic(name), records),
    afterCommit: context.afterCommit,
  });
  return {
    append: (name, records) => log.append(topic(name), records),
    ...(log.appendRaw ? { appendRaw: (name: string, records: readonly RawLogRecord[]) => log.appendRaw!(topic(name), records) } : {}),
    subscribe: (options) =>
      log.subscribe({
        ...options,
        group: topic(options.group),
        topic: topic(options.topic),
        handler: (records, context) => options.handler(strip(records, options.topic), stage(context)),
      }),
    ...(log.approximateSize ? { approximateSize: (name: string) => log.approximateSize!(topic(name)) } : {}),
    readPartition: (name, partition, onBatch) => log.readPartition(topic(name), partition, (records) => onBatch(strip(records, name))),
    lastRecord: async (name, partition) => {
      const last = await log.lastRecord(topic(name), partition);
      return last && { ...last, topic: name };
    },
    readAll: (name, onBatch) => log.readAll(topic(name), (records) => onBatch(strip(records, name))),
    close: () => log.close(),
  };
}
