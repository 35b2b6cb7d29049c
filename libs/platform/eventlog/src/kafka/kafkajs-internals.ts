/**
 * The two kafkajs 2.2.x internals the adapter relies on, typed and checked in one place:
 *
 * - a bare `Cluster` (connections, metadata, ListOffsets, Fetch) built with the client's own
 *   settings, to read one partition directly. kafkajs has no `assign()`: the public way is a
 *   throw-away consumer group, and a new group's first join waits `group.initial.rebalance.delay.ms`
 *   (3 s by default on a production broker) — per call, too slow for a router that reads every
 *   partition it is given;
 * - `Batch`, the consumer's own decoding of a fetched partition: it drops control records and the
 *   records of aborted transactions (read_committed), which we must not re-implement.
 *
 * kafkajs has had no release since 2.2.4 (2023) and the package has no `exports` map, so these
 * paths are stable; if they ever move, this module fails at start with a clear message.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';

export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
}

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions: { producerId: string; firstOffset: string }[];
  messages: FetchedMessage[];
}

export interface InternalBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: FetchedPartition[] }[] }>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string | number }): Promise<InternalBroker>;
  fetchTopicsOffset(topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<
    { topic: string; partitions: { partition: number; offset: string }[] }[]
  >;
}

/** A decoded fetch of one partition: `messages` are what a read_committed consumer may see. */
export interface FetchedBatch {
  readonly messages: FetchedMessage[];
  readonly rawMessages: FetchedMessage[];
}

type BatchConstructor = new (topic: string, fetchedOffset: string, partitionData: FetchedPartition) => FetchedBatch;

/** ListOffsets and Fetch isolation: only committed transactional records, up to the LSO. */
export const READ_COMMITTED = 1;

const require = createRequire(import.meta.url);
const Batch = require('kafkajs/src/consumer/batch.js') as BatchConstructor;

export function decodeFetched(topic: string, fetchedOffset: string, partitionData: FetchedPartition): FetchedBatch {
  return new Batch(topic, fetchedOffset, partitionData);
}

/** A Cluster with the client's brokers, TLS/SASL, retry and logger, and read_committed offsets. */
export function createReaderCluster(kafka: Kafka): InternalCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = key ? (kafka as unknown as Record<symbol, unknown>)[key] : undefined;
  if (typeof create !== 'function' || typeof Batch !== 'function') {
    throw new Error('kafka event log: this kafkajs version lacks the internals the partition reader uses (tested with kafkajs 2.2.4)');
  }
  return create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED }) as InternalCluster;
}
