/**
 * The production event log: Apache Kafka through kafkajs 2.2.4.
 *
 * - Topics are created at first use (appends, subscriptions and reads), with `topics.partitions`
 *   partitions (default 6); commands and events are kept co-partitioned (see topics.ts).
 * - Appends go through one idempotent producer (acks=all, one request in flight, the Java
 *   client's murmur2 partitioner, so foreign producers place keys alike), replaced when the broker
 *   refuses it for good (recycling-producer.ts).
 * - Each subscription is its own consumer (kafka-subscription.ts); staged output is committed with
 *   the consumed offsets, in a transaction when `transactionalId` is set (batch-writer.ts, which
 *   also explains fencing: kafkajs has no KIP-447, so the id must be unique per instance).
 * - Reads to the committed end use direct fetches, not consumer groups (partition-reader.ts).
 * Everything reads read_committed: records of open or aborted transactions are never delivered.
 */
import { Kafka, Partitioners, logLevel, type ISocketFactory, type LogEntry } from 'kafkajs';
import type { DeliveredRecord, EventLog, LogRecord, PartitionLag, RawLogRecord, SubscribeOptions, Subscription } from '../event-log.port.ts';
import { BatchWriter } from './batch-writer.ts';
import { encodeRawRecords, encodeRecords, type OutgoingMessage } from './kafka-codec.ts';
import { createReaderCluster } from './kafkajs-internals.ts';
import { PartitionReader } from './partition-reader.ts';
import { startKafkaSubscription } from './kafka-subscription.ts';
import { TopicRegistry } from './topics.ts';
import { ProduceCoalescer } from './produce-coalescer.ts';
import { RecyclingProducer } from './recycling-producer.ts';

export interface KafkaEventLogOptions {
  /** `host:port` of bootstrap brokers; prefer `127.0.0.1` to `localhost` (IPv6 first on some hosts). */
  brokers: string[];
  clientId: string;
  topics?: { partitions: number; replicationFactor?: number };
  /** Unique per process (e.g. `approval-router-<instance>`); enables transactional batches. */
  transactionalId?: string;
  /** Milliseconds before the broker aborts an open transaction of a dead producer (default 15 s). */
  transactionTimeout?: number;
  /** How long a read to the committed end waits for a just-committed transaction's marker (default 2 s). */
  readSettleMs?: number;
  log?: (msg: string) => void;
  /** How connections to the brokers are opened (kafkajs's own by default); tests cut them to play a network failure. */
  socketFactory?: ISocketFactory;
}

export interface KafkaEventLog extends EventLog {
  /** Creates missing topics and checks co-partitioning; call at start-up to fail early. */
  ensureTopics(names: readonly string[]): Promise<void>;
}

const DEFAULT_PARTITIONS = 6;
const DEFAULT_MAX_BATCH = 500;

export async function createKafkaEventLog(options: KafkaEventLogOptions): Promise<KafkaEventLog> {
  const log = options.log ?? ((msg: string) => console.warn(msg));
  const kafka = new Kafka({
    brokers: options.brokers, clientId: options.clientId, logLevel: logLevel.WARN, logCreator: () => forwardTo(log),
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
  });
  const admin = kafka.admin();
  const producer = new RecyclingProducer(
    () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }),
    { log },
  );
  const reader = new PartitionReader(createReaderCluster(kafka), { settleMs: options.readSettleMs ?? 2000, log });
  const topics = new TopicRegistry(admin, { partitions: options.topics?.partitions ?? DEFAULT_PARTITIONS, replicationFactor: options.topics?.replicationFactor });
  // Appends and plain batch output share one group commit of produce requests.
  const produce = new ProduceCoalescer((topicMessages) => producer.sendBatch({ topicMessages, acks: -1 }).then(() => undefined));
  const writer = new BatchWriter({
    kafka, admin, produce, log,
    ensureTopic: (name) => topics.ensure(name),
    transactionalId: options.transactionalId,
    transactionTimeout: options.transactionTimeout ?? 15_000,
  });
  try {
    await admin.connect();
    await producer.connect();
    await writer.start();
  } catch (error) {
    await Promise.allSettled([writer.close(), producer.disconnect(), admin.disconnect()]);
    throw new Error(`kafka event log: cannot use the brokers at ${options.brokers.join(',')}: ${(error as Error).message}`, { cause: error });
  }

  const subscriptions = new Set<Subscription>();
  let closed = false;
  const open = () => {
    if (closed) throw new Error('event log is closed');
  };

  /**
   * The group's committed offsets against each partition's end. Transaction markers make it an
   * overestimate by a few records per transaction, which is fine for a readiness bound.
   */
  async function groupLag(group: string, topic: string): Promise<PartitionLag[] | undefined> {
    try {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      return ends.map((end) => {
        const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
        const from = at === undefined || Number(at) < 0 ? Number(end.low) : Math.max(Number(at), Number(end.low));
        return { partition: end.partition, lag: Math.max(0, Number(end.high) - from) };
      });
    } catch {
      return undefined;
    }
  }

  async function send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    open();
    if (messages.length === 0) return;
    await topics.ensure(topic);
    await produce.send([{ topic, messages }]);
  }

  return {
    ensureTopics: (names) => topics.ensureAll(names),

    append: async (topic: string, records: readonly LogRecord[]) => send(topic, encodeRecords(topic, records)),

    appendRaw: async (topic: string, records: readonly RawLogRecord[]) => send(topic, encodeRawRecords(records)),

    async subscribe(o: SubscribeOptions): Promise<Subscription> {
      open();
      const maxBatch = o.maxBatch ?? DEFAULT_MAX_BATCH;
      if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`event log: maxBatch must be a positive integer, got ${maxBatch}`);
      if (o.fromBeginning && o.fromEnd) throw new Error('event log: fromBeginning and fromEnd exclude each other');
      await topics.ensure(o.topic);
      let startOffsets: Map<number, bigint> | undefined;
      if (o.fromBeginning || o.fromEnd) {
        const bounds = await reader.bounds(o.topic, await reader.partitionsOf(o.topic));
        startOffsets = new Map([...bounds].map(([p, b]) => [p, o.fromBeginning ? b.start : b.end]));
      }
      const sub = await startKafkaSubscription(o, { kafka, writer, maxBatch, startOffsets, log, lag: () => groupLag(o.group, o.topic) });
      if (closed) {
        await sub.close();
        throw new Error('event log is closed');
      }
      const tracked: Subscription = {
        lag: sub.lag,
        partitionLag: sub.partitionLag,
        close: async () => {
          subscriptions.delete(tracked);
          await sub.close();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },

    async readPartition(topic: string, partition: number, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void> {
      open();
      const count = await topics.ensure(topic);
      if (!Number.isSafeInteger(partition) || partition < 0 || partition >= count) {
        throw new RangeError(`event log: ${topic} has partitions 0..${count - 1}, not ${partition}`);
      }
      await reader.readPartitions(topic, [partition], onBatch);
    },

    async lastRecord(topic: string, partition: number): Promise<DeliveredRecord | undefined> {
      open();
      const count = await topics.ensure(topic);
      if (!Number.isSafeInteger(partition) || partition < 0 || partition >= count) {
        throw new RangeError(`event log: ${topic} has partitions 0..${count - 1}, not ${partition}`);
      }
      return reader.lastRecord(topic, partition);
    },

    async approximateSize(topic: string): Promise<number> {
      open();
      await topics.ensure(topic);
      // High minus low watermark per partition: transaction markers make it a slight overestimate.
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
    },

    async readAll(topic: string, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void> {
      open();
      await topics.ensure(topic);
      await reader.readPartitions(topic, await reader.partitionsOf(topic), onBatch);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      await produce.drain().catch(() => undefined);
      await Promise.allSettled([writer.close(), producer.disconnect(), reader.close(), admin.disconnect()]);
    },
  };
}

/**
 * kafkajs warnings and errors, one line each. Failed requests are left out (they reach callers as
 * errors), and so are produce attempts refused while the previous transaction completes (retried).
 */
function forwardTo(log: (msg: string) => void): (entry: LogEntry) => void {
  return ({ namespace, level, log: { message, error } }) => {
    if (level > logLevel.WARN) return;
    if (namespace === 'Connection' && message.startsWith('Response ')) return;
    if (namespace === 'Producer' && message.includes('concurrent operation on the same transaction')) return;
    log(`kafkajs ${namespace}: ${message}${error ? `: ${String(error)}` : ''}`);
  };
}
