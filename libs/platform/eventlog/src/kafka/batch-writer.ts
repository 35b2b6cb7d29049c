/**
 * Makes a handled batch durable: the output its handler staged, then the group's position past it.
 *
 * With a transactional id, both go into one Kafka transaction (produce + `sendOffsets` + commit),
 * so read_committed readers see the output exactly when the position moved, and a failure aborts
 * both. Transactions are serialized (one producer per log, one open transaction at a time).
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
  /** The log's idempotent producer. */
  producer: Producer;
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
  private lock: Promise<void> = Promise.resolve();

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
    const topicMessages = batch.staged.filter((s) => s.messages.length > 0);
    if (!batch.transactional) {
      if (topicMessages.length > 0) await this.o.producer.sendBatch({ topicMessages, acks: -1 });
      await batch.commitOffset(batch.nextOffset.toString());
      return;
    }
    if (!this.o.transactionalId) throw new Error(`event log: group ${batch.group} subscribed transactionally, but the log was created without a transactionalId`);
    await this.serialized(() => this.commitInTransaction(batch, topicMessages));
  }

  async close(): Promise<void> {
    await this.lock;
    await this.reset();
  }

  private async commitInTransaction(batch: BatchCommit, topicMessages: StagedOutput[]): Promise<void> {
    const producer = await this.transactionalProducer();
    const transaction = await producer.transaction();
    const offsets = { consumerGroupId: batch.group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: batch.nextOffset.toString() }] }] };
    try {
      if (topicMessages.length > 0) await whileConcurrent(() => transaction.sendBatch({ topicMessages, acks: -1 }));
      await whileConcurrent(() => transaction.sendOffsets(offsets));
    } catch (error) {
      await transaction.abort().catch(() => this.reset());
      throw this.explain(error);
    }
    try {
      await transaction.commit();
    } catch (error) {
      if (await this.tookEffect(batch)) {
        this.o.log(`event log: commit of ${batch.topic}/${batch.partition} up to ${batch.nextOffset} reported an error but took effect: ${String(error)}`);
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
  private async tookEffect(batch: BatchCommit): Promise<boolean> {
    const deadline = Date.now() + AMBIGUOUS_COMMIT_DEADLINE_MS;
    for (;;) {
      try {
        await this.reset();
        await this.transactionalProducer();
        return await this.offsetReached(batch);
      } catch (error) {
        if (Date.now() > deadline) {
          this.o.log(`event log: cannot tell whether the commit of ${batch.topic}/${batch.partition} up to ${batch.nextOffset} took effect ` +
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

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task);
    this.lock = run.then(() => undefined, () => undefined);
    return run;
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
