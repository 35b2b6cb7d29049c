/**
 * Test support for the Kafka adapter's integration tests: the broker address, a one-line failure
 * when it is not there, logs that record what they create (topics, groups) so each test can
 * delete it afterwards, and a raw kafkajs client for playing a foreign or crashed producer.
 */
import { after } from 'node:test';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { EventLog } from '../event-log.port.ts';
import { createKafkaEventLog, type KafkaEventLog, type KafkaEventLogOptions } from './kafka-event-log.ts';

export const BROKERS = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim());

/** Exits the test file with one line when no broker answers (a failure, not a skip). */
export async function requireBroker(): Promise<void> {
  const [host, port] = BROKERS[0].split(':');
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (!reachable) {
    console.error(`kafka int tests: no Kafka broker at ${BROKERS.join(',')}: start one with \`bash deploy/local/infra.sh up\` or set COUNTERSIGN_KAFKA_BROKERS`);
    process.exit(1);
  }
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A raw client, for what the adapter never does itself (leave a transaction open, write junk). */
export const rawKafka = () => new Kafka({ brokers: BROKERS, clientId: unique('raw'), logLevel: logLevel.NOTHING });

export const rawProducer = (transactionalId?: string) =>
  rawKafka().producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    ...(transactionalId ? { transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 15_000 } : {}),
  });

/** Opens logs that remember the topics and groups they touch, and deletes those on cleanup. */
export class KafkaScope {
  readonly warnings: string[] = [];
  private readonly topics = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly logs: EventLog[] = [];

  async open(options: Partial<KafkaEventLogOptions> = {}): Promise<KafkaEventLog> {
    const log = await createKafkaEventLog({ brokers: BROKERS, clientId: unique('test'), log: (m) => void this.warnings.push(m), ...options });
    this.logs.push(log);
    return this.tracking(log);
  }

  track(topic: string): string {
    this.topics.add(topic);
    return topic;
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.logs.map((l) => l.close()));
    if (process.env.COUNTERSIGN_TEST_LOG) for (const w of this.warnings) console.error(`[kafka log] ${w}`);
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      if (this.groups.size > 0) await admin.deleteGroups([...this.groups]).catch(() => undefined);
      if (this.topics.size > 0) await admin.deleteTopics({ topics: [...this.topics] }).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }

  private tracking(log: KafkaEventLog): KafkaEventLog {
    const t = (topic: string) => this.track(topic);
    return {
      ...log,
      ensureTopics: (names) => log.ensureTopics(names.map(t)),
      append: (topic, records) => log.append(t(topic), records),
      appendRaw: (topic, records) => log.appendRaw!(t(topic), records),
      subscribe: (o) => {
        this.groups.add(o.group);
        return log.subscribe({
          ...o,
          topic: t(o.topic),
          handler: (records, context) => o.handler(records, { append: (topic, r) => context.append(t(topic), r), afterCommit: (cb) => context.afterCommit(cb) }),
        });
      },
      readPartition: (topic, partition, onBatch) => log.readPartition(t(topic), partition, onBatch),
      lastRecord: (topic, partition) => log.lastRecord(t(topic), partition),
      readAll: (topic, onBatch) => log.readAll(t(topic), onBatch),
    };
  }
}

/** Resolves when `ready()` is true, checking every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Scopes created by one suite, all cleaned up (topics, groups, logs) after it. */
export function suiteScopes(): () => KafkaScope {
  const scopes: KafkaScope[] = [];
  after(() => Promise.all(scopes.map((s) => s.cleanup())));
  return () => {
    const s = new KafkaScope();
    scopes.push(s);
    return s;
  };
}
