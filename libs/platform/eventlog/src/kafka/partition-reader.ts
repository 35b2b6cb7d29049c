/**
 * Reads partitions from their first offset to their committed end as of the call, with direct
 * Fetch requests (no consumer group, so nothing to join and nothing left behind on the broker).
 *
 * "Committed end" is the last stable offset (LSO, ListOffsets with read_committed). A transaction
 * that was committed just before the call may still lack its commit marker for a moment (the
 * coordinator writes markers after answering EndTxn), which holds the LSO back; so when the LSO is
 * below the high watermark we wait briefly (`settleMs`) for it to reach the high watermark seen
 * at the call. A transaction still open after that (a dead producer's, until the transaction
 * timeout aborts it) is left out: none of its records are delivered.
 * Control records (commit/abort markers) occupy offsets but are never delivered; progress is
 * tracked by the offsets of everything fetched, so a partition ending in a marker terminates.
 */
import type { DeliveredRecord } from '../event-log.port.ts';
import { toDelivered } from './kafka-codec.ts';
import { READ_COMMITTED, decodeFetched, type FetchedPartition, type InternalCluster } from './kafkajs-internals.ts';

export type OnBatch = (records: DeliveredRecord[]) => Promise<void> | void;

export interface PartitionReaderOptions {
  /** How long to wait for the LSO to catch up with the high watermark at the call. */
  settleMs: number;
  log: (msg: string) => void;
}

/** Errors after which fresh metadata (a new leader) lets the read go on. */
const STALE_METADATA = new Set(['NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'UNKNOWN_TOPIC_OR_PARTITION']);
const MAX_ATTEMPTS = 5;
const FETCH_MAX_BYTES = 8 * 1024 * 1024;
const SETTLE_POLL_MS = 10;

export class PartitionReader {
  private connected?: Promise<void>;

  constructor(
    private readonly cluster: InternalCluster,
    private readonly options: PartitionReaderOptions,
  ) {}

  /** First offset (log start) and committed end (LSO) of each partition, read_committed. */
  async bounds(topic: string, partitions: number[]): Promise<Map<number, { start: bigint; end: bigint }>> {
    await this.target(topic);
    const request = (fromBeginning: boolean) =>
      this.cluster.fetchTopicsOffset([{ topic, fromBeginning, partitions: partitions.map((partition) => ({ partition })) }]);
    const [starts, ends] = await Promise.all([request(true), request(false)]);
    const offsetOf = (result: typeof starts, partition: number) =>
      BigInt(result.flatMap((t) => t.partitions).find((p) => p.partition === partition)?.offset ?? '0');
    return new Map(partitions.map((p) => [p, { start: offsetOf(starts, p), end: offsetOf(ends, p) }]));
  }

  async partitionsOf(topic: string): Promise<number[]> {
    await this.target(topic);
    return this.cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
  }

  /** Reads the partitions one after the other, each to its committed end as of the call. */
  async readPartitions(topic: string, partitions: number[], onBatch: OnBatch): Promise<void> {
    // Ends first, all at once: "as of the call", and one settle wait rather than one per partition.
    const bounds = await Promise.all(partitions.map((p) => this.settledBounds(topic, p)));
    for (const [i, partition] of partitions.entries()) await this.readRange(topic, partition, bounds[i], onBatch);
  }

  /**
   * The last committed record below the LSO: reads a window of offsets before it, widening the
   * window while it holds only markers or aborted records, down to the log start at worst.
   */
  async lastRecord(topic: string, partition: number): Promise<DeliveredRecord | undefined> {
    const { start, end } = await this.settledBounds(topic, partition);
    for (let window = 64n; ; window *= 16n) {
      const from = end - window > start ? end - window : start;
      let last: DeliveredRecord | undefined;
      await this.readRange(topic, partition, { start: from, end }, (records) => void (last = records.at(-1) ?? last));
      if (last || from === start) return last;
    }
  }

  private async readRange(topic: string, partition: number, { start, end }: { start: bigint; end: bigint }, onBatch: OnBatch): Promise<void> {
    let next = start;
    let attempt = 1;
    while (next < end) {
      let fetched: FetchedPartition;
      try {
        fetched = await this.fetch(topic, partition, next);
      } catch (error) {
        const type = (error as { type?: string }).type ?? '';
        if (!STALE_METADATA.has(type) || attempt >= MAX_ATTEMPTS) throw error;
        this.options.log(`event log: reading ${topic}/${partition} at ${next}: ${type}; refreshing metadata (attempt ${attempt})`);
        attempt += 1;
        await this.cluster.refreshMetadata();
        continue;
      }
      attempt = 1;
      const batch = decodeFetched(topic, String(next), fetched);
      // Everything fetched counts for progress (markers, aborted records), even if not delivered.
      const lastFetched = batch.rawMessages.reduce((max, m) => (BigInt(m.offset) > max ? BigInt(m.offset) : max), -1n);
      const records = batch.messages.filter((m) => BigInt(m.offset) < end).map((m) => toDelivered(topic, partition, m));
      if (records.length > 0) await onBatch(records);
      if (lastFetched < next) {
        // Nothing at or after `next` below the LSO (compacted away): the partition is read.
        break;
      }
      next = lastFetched + 1n;
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.cluster.disconnect();
  }

  /** Bounds at the call, after giving a just-committed transaction time to get its marker. */
  private async settledBounds(topic: string, partition: number): Promise<{ start: bigint; end: bigint }> {
    let bounds = (await this.bounds(topic, [partition])).get(partition)!;
    // The high watermark (everything written, committed or not) is in the header of a fetch at
    // the LSO, which returns no records.
    const highWatermark = BigInt((await this.fetch(topic, partition, bounds.end, 1)).highWatermark);
    const deadline = Date.now() + this.options.settleMs;
    while (bounds.end < highWatermark && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      bounds = (await this.bounds(topic, [partition])).get(partition)!;
    }
    return bounds;
  }

  private async fetch(topic: string, partition: number, offset: bigint, maxBytes = FETCH_MAX_BYTES): Promise<FetchedPartition> {
    const leaders = this.cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    if (nodeId === undefined) throw Object.assign(new Error(`no leader known for ${topic}/${partition}`), { type: 'LEADER_NOT_AVAILABLE' });
    const broker = await this.cluster.findBroker({ nodeId });
    const { responses } = await broker.fetch({
      isolationLevel: READ_COMMITTED,
      maxWaitTime: 0,
      minBytes: 0,
      maxBytes,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset.toString(), maxBytes }] }],
    });
    const data = responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === partition);
    if (!data) throw new Error(`event log: the broker's fetch response has no ${topic}/${partition}`);
    return data;
  }

  private async target(topic: string): Promise<void> {
    this.connected ??= this.cluster.connect();
    await this.connected;
    await this.cluster.addTargetTopic(topic);
  }
}
