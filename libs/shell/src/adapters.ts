import { join } from 'node:path';
import { TOPICS } from '@countersign/contracts';
import type { EnvConfig } from '@countersign/config';
import { createFileEventLog, createKafkaEventLog, namespacedEventLog, type EventLog, type FileEventLogOptions } from '@countersign/eventlog';
import { createMemoryReadModelStore, createMongoReadModelStore, lazyReadModelStore, READ_MODEL_INDEXES, type ReadModelStore } from '@countersign/readmodel';
import type { ServiceName } from './services.ts';

export interface Adapters {
  eventLog: EventLog;
  readModels: ReadModelStore;
  /** Which adapters were chosen, for the start-up line. */
  describe: string;
  close(): Promise<void>;
}

/**
 * Chooses the adapters from the configuration: the embedded file log and memory read models by
 * default; Kafka when COUNTERSIGN_KAFKA_BROKERS is set; MongoDB when COUNTERSIGN_MONGO_URL is set.
 * Throws (with one line) on combinations that cannot work.
 */
export async function openAdapters(
  config: EnvConfig,
  services: readonly ServiceName[],
  all: boolean,
  /** More options for the file log, from a composition (a crash test's torn-append fault). */
  fileLog: Partial<Pick<FileEventLogOptions, 'fault'>> = {},
): Promise<Adapters> {
  if (!config.kafkaBrokers && !all) {
    throw new Error('running services as separate processes needs a shared log: set COUNTERSIGN_KAFKA_BROKERS (the embedded file log serves one process)');
  }
  const needsStore = services.includes('gateway') || services.includes('audit-projector');
  if (config.kafkaBrokers && !all && needsStore && !config.mongoUrl) {
    throw new Error('the gateway and the audit projector in separate processes share read models: set COUNTERSIGN_MONGO_URL');
  }
  const kafka = config.kafkaBrokers
    ? await createKafkaEventLog({
        brokers: config.kafkaBrokers,
        clientId: `countersign-${config.instanceId}`,
        topics: { partitions: config.kafkaPartitions },
        // One transactional id per router instance: a restarted instance fences its predecessor.
        ...(services.includes('approval-router') ? { transactionalId: `${config.kafkaNamespace ?? 'countersign'}.approval-router-${config.instanceId}` } : {}),
      })
    : undefined;
  const base = kafka ?? (await createFileEventLog({ dir: join(config.dataDir, 'log'), ...fileLog }));
  const eventLog = config.kafkaNamespace ? namespacedEventLog(base, config.kafkaNamespace) : base;
  try {
    if (kafka) await kafka.ensureTopics(Object.values(TOPICS).map((t) => (config.kafkaNamespace ? `${config.kafkaNamespace}.${t}` : t)));
    const openMongo = (url: string) => createMongoReadModelStore({
      url, database: config.mongoDatabase, indexes: READ_MODEL_INDEXES,
      // Connection lost / restored messages; the adapter redacts credentials itself.
      log: (message) => process.stderr.write(`${message}\n`),
    });
    // The gateway and the projector cannot work without the read models: they connect at start. The
    // router, evaluator and notifier decide without them, so they connect on first use (never, for
    // the first two) and keep working while MongoDB is away.
    const readModels = !config.mongoUrl
      ? createMemoryReadModelStore()
      : needsStore
        ? await openMongo(config.mongoUrl)
        : lazyReadModelStore(true, () => openMongo(config.mongoUrl!));
    return {
      eventLog,
      readModels,
      describe: `${config.kafkaBrokers ? `kafka ${config.kafkaBrokers.join(',')}` : `file log in ${config.dataDir}`}, ` +
        `${config.mongoUrl ? `mongodb ${redactUrl(config.mongoUrl)}/${config.mongoDatabase}` : 'in-memory read models'}`,
      async close() {
        await readModels.close();
        await eventLog.close();
      },
    };
  } catch (error) {
    await eventLog.close();
    throw error;
  }
}

/** Never log credentials that a connection string may carry. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/\/$/, '');
}
