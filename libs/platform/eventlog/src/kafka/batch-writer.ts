/**
 * Makes a handled batch durable: the output its handler staged, then the group's position past it.
 *
 * With a transactional id, both go into one Kafka transaction (produce + `sendOffsets` + commit),
 * so read_committed readers see the output exactly when the position moved, and a failure aborts
 * both. Transactions are serialized (one producer per log, one open transaction at a time) and
 * grouped: batches handed over while a transaction is in flight (other partitions, handled
 * concurrently) commit together in the next one — one transaction and one `sendOffsets` per group
 * for all of them. At a low rate a batch commits alone at once; under load, transactions grow
 * instead of queueing.
 * Without one, the idempotent producer writes the output and then the consumer commits the
 * offsets: a crash in between redelivers the batch (at-least-once; handlers are idempotent).
 *
 * Fencing: kafkajs does not implement KIP-447 (no group metadata in TxnOffsetCommit), so fencing
 * is by transactional id only. The id is per instance (e.g. `approval-router-<instance>`): a
 * restarted instance aborts its predecessor's open transaction when it initializes (done at
 * start), and a modest `transactionTimeout` bounds how long a dead instance's open transaction
 * holds back read_committed readers. A live instance that lost its partitions in a rebalance is
 * not fenced by the broker; the consumer stops it instead: kafkajs finishes the batch in flight
 * before it rejoins, and heartbeats in retry loops abandon a batch as soon as a rebalance starts.
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { timeBatchCommit } from '@countersign/telemetry';
import type { OutgoingMessage } from './kafka-codec.ts';
import { Partitioners } from 'kafkajs';
import { chunkBySize, mergeByTopic, ProduceCoalescer } from './produce-coalescer.ts';

export interface StagedOutput {
  topic: string;
  messages: OutgoingMessage[];
}

export interface BatchCommit {
  group: string;
  topic: string;
  partition: number;
  /** The offset the group resumes at once this batch counts as handled. */
  nextOffset: bigint;
  staged: StagedOutput[];
  /** Output and offsets in one Kafka transaction (the subscription asked for it). */
  transactional: boolean;
  /** Commits the position through the consumer (its generation is checked by the broker). */
  commitOffset(offset: string): Promise<void>;
}

export interface BatchWriterOptions {
  kafka: Kafka;
  admin: Admin;
  /** Plain output goes through the log's group commit of produces (shared with `append`). */
  produce: ProduceCoalescer;
  ensureTopic(name: string): Promise<unknown>;
  transactionalId?: string;
  transactionTimeout: number;
  log: (msg: string) => void;
}

/** How long to look for the offsets of a transaction whose commit failed ambiguously. */
const AMBIGUOUS_COMMIT_CHECK_MS = 2000;
/** How long to keep trying to find out at all (the brokers may be unreachable meanwhile). */
const AMBIGUOUS_COMMIT_DEADLINE_MS = 30_000;

export class BatchWriter {
  private transactional?: Promise<Producer>;

  constructor(private readonly o: BatchWriterOptions) {}

  /** Initializes the transactional producer now, which aborts a predecessor's open transaction. */
  async start(): Promise<void> {
    if (this.o.transactionalId) await this.transactionalProducer();
  }

  /** Timed (the commit duration metric), transaction or not. */
  commit(batch: BatchCommit): Promise<void> {
    return timeBatchCommit('kafka', batch.group, () => this.commitNow(batch));
  }

  private async commitNow(batch: BatchCommit): Promise<void> {
    await Promise.all(batch.staged.map((s) => this.o.ensureTopic(s.topic)));
    if (!batch.transactional) {
      await this.o.produce.send(batch.staged);
      await batch.commitOffset(batch.nextOffset.toString());
      return;
    }
    if (!this.o.transactionalId) throw new Error(`event log: group ${batch.group} subscribed transactionally, but the log was created without a transactionalId`);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    await this.reset();
  }

  private readonly waiting: Array<{ batch: BatchCommit; resolve: () => void; reject: (error: unknown) => void }> = [];
  private inFlight: Promise<void> | undefined;

  /** Starts the next transaction with every batch waiting, unless one is in flight (it calls back). */
  private pump(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const group = this.waiting.splice(0);
    this.inFlight = this.commitInTransaction(group.map((w) => w.batch)).then(
      () => group.forEach((w) => w.resolve()),
      (error: unknown) => group.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.inFlight = undefined;
      this.pump();
    });
  }

  private async commitInTransaction(batches: BatchCommit[]): Promise<void> {
    const producer = await this.transactionalProducer();
    const transaction = await producer.transaction();
    const topicMessages = mergeByTopic(batches.flatMap((b) => b.staged));
    try {
      // In requests the broker accepts, however many batches the transaction carries.
      for (const chunk of chunkBySize(topicMessages)) await whileConcurrent(() => transaction.sendBatch({ topicMessages: chunk, acks: -1 }));
      for (const offsets of offsetsByGroup(batches)) await whileConcurrent(() => transaction.sendOffsets(offsets));
    } catch (error) {
      await transaction.abort().catch(() => this.reset());
      throw this.explain(error);
    }
    try {
      await transaction.commit();
    } catch (error) {
      if (await this.tookEffect(batches)) {
        this.o.log(`event log: commit of ${describeBatches(batches)} reported an error but took effect: ${String(error)}`);
        return;
      }
      throw this.explain(error);
    }
  }

  /**
   * After a commit error, EndTxn may still have been applied: redelivering would then write the
   * output twice. Initializing a new producer completes (or aborts) that transaction; the group's
   * offset then says which.
   */
  private async tookEffect(batches: BatchCommit[]): Promise<boolean> {
    const deadline = Date.now() + AMBIGUOUS_COMMIT_DEADLINE_MS;
    for (;;) {
      try {
        await this.reset();
        await this.transactionalProducer();
        // One transaction: all of its offsets moved, or none did.
        return await this.offsetReached(batches[0]);
      } catch (error) {
        if (Date.now() > deadline) {
          this.o.log(`event log: cannot tell whether the commit of ${describeBatches(batches)} took effect ` +
            `(${String(error)}); delivering the batch again, which may repeat its output`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async offsetReached(batch: BatchCommit): Promise<boolean> {
    const deadline = Date.now() + AMBIGUOUS_COMMIT_CHECK_MS;
    do {
      const [topic] = await this.o.admin.fetchOffsets({ groupId: batch.group, topics: [batch.topic] });
      const committed = topic?.partitions.find((p) => p.partition === batch.partition)?.offset;
      if (committed !== undefined && BigInt(committed) >= batch.nextOffset) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() < deadline);
    return false;
  }

  private transactionalProducer(): Promise<Producer> {
    if (this.transactional) return this.transactional;
    const created = (async () => {
      const producer = this.o.kafka.producer({
        transactionalId: this.o.transactionalId,
        transactionTimeout: this.o.transactionTimeout,
        // Right after a commit the coordinator answers CONCURRENT_TRANSACTIONS until the markers
        // are written (a few ms); kafkajs's default first retry waits 300 ms, which would be the
        // latency of every decision under load.
        retry: { initialRetryTime: 5, maxRetryTime: 200, retries: 30 },
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
        // kafkajs initializes the producer id lazily, at the first transaction; an empty
        // transaction forces it now (and its abort sends nothing).
        await (await producer.transaction()).abort();
        return producer;
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    })();
    this.transactional = created;
    created.catch(() => {
      if (this.transactional === created) this.transactional = undefined;
    });
    return created;
  }

  /** Drops the transactional producer; the next transaction starts a new one. */
  private async reset(): Promise<void> {
    const current = this.transactional;
    this.transactional = undefined;
    if (current) await current.then((p) => p.disconnect()).catch(() => undefined);
  }

  private explain(error: unknown): unknown {
    const type = (error as { type?: string }).type;
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED') {
      this.o.log(`event log: transactional id ${this.o.transactionalId} was fenced: another process uses the same id ` +
        '(each instance needs its own); retrying fences that process in turn');
    }
    return error;
  }
}

/**
 * Retries an operation that the coordinator refuses while the previous transaction is still being
 * completed (CONCURRENT_TRANSACTIONS, right after a commit, until its markers are written). The
 * Java client retries these too; kafkajs does not for AddOffsetsToTxn.
 */
async function whileConcurrent<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 3000;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      return await operation();
    } catch (error) {
      if ((error as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The consumed positions of the grouped batches, one `sendOffsets` per consumer group. */
function offsetsByGroup(batches: BatchCommit[]) {
  const groups = new Map<string, Map<string, Array<{ partition: number; offset: string }>>>();
  for (const b of batches) {
    const topics = groups.get(b.group) ?? new Map<string, Array<{ partition: number; offset: string }>>();
    groups.set(b.group, topics);
    const partitions = topics.get(b.topic) ?? [];
    topics.set(b.topic, partitions);
    partitions.push({ partition: b.partition, offset: b.nextOffset.toString() });
  }
  return [...groups].map(([consumerGroupId, topics]) => ({ consumerGroupId, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) }));
}

function describeBatches(batches: BatchCommit[]): string {
  return batches.map((b) => `${b.topic}/${b.partition} up to ${b.nextOffset}`).join(', ');
}
