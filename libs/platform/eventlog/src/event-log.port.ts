/**
 * The event log port: an append-only, partitioned-by-key log of JSON records per topic, with
 * consumer groups whose positions are checkpointed. Adapters: embedded file log, Kafka.
 * Every adapter passes the contract suite in `event-log.contract.ts`.
 */

export interface LogRecord {
  /** Partition key (an actionId): records of one key are delivered in append order. */
  key: string;
  value: unknown;
}

export interface DeliveredRecord {
  topic: string;
  key: string;
  /** Position in the topic (per partition for Kafka), as a decimal string. */
  offset: string;
  partition: number;
  /** The raw text, kept so poison messages can be dead-lettered unchanged. */
  raw: string;
  /** Parsed JSON, or undefined when the raw text is not JSON. */
  value: unknown;
}

/** A record whose value is given as text, JSON or not (see `EventLog.appendRaw`). */
export interface RawLogRecord {
  key: string;
  raw: string;
}

/**
 * What a handler may do besides reading its batch. Output staged with `append` is written before
 * the group's position moves past the batch, atomically with it where the adapter can (a Kafka
 * transaction with the consumed offsets); `afterCommit` callbacks run once both are durable, so
 * in-memory state follows only what really happened. A handler's output to one topic is one
 * batch (all or nothing, see `EventLog.append`); the file log writes each topic's output in turn,
 * so output spread over several topics is atomic per topic only there.
 */
export interface BatchContext {
  append(topic: string, records: readonly LogRecord[]): void;
  afterCommit(callback: () => void): void;
}

/**
 * A handler may take only the first `handled` records of a batch (at least one): only those count
 * as handled, with the output it staged, and the rest are delivered again at once, without a
 * backoff. The transport uses this to walk a failing batch one record at a time.
 */
export interface BatchResult {
  handled: number;
}

export type BatchHandler = (records: DeliveredRecord[], context: BatchContext) => Promise<void | BatchResult>;

/**
 * How a subscription is doing, as the adapter sees it: `recovering` while its consumer is being
 * rebuilt after a crash (the brokers went away, a coordinator could not be found), with why.
 */
export interface SubscriptionStatus {
  state: 'running' | 'recovering';
  detail?: string;
}

export interface SubscribeOptions {
  /**
   * Consumer group: each group sees every record once; its position is checkpointed. A group with
   * no stored position starts at the first record (offset 0).
   */
  group: string;
  topic: string;
  /** Ignore the stored checkpoint and start at offset 0 (rebuilds, in-memory read models). */
  fromBeginning?: boolean;
  /** Start at the end, ignoring history (live watchers). */
  fromEnd?: boolean;
  /** At most this many records per handler call. */
  maxBatch?: number;
  /**
   * How many partitions' batches may be in the handler (and committing) at once (default 1). With
   * more, the batches of one fetch are handled side by side and a transactional subscription
   * commits them in one transaction. Batches of one partition are always handled in order, one at
   * a time. The file log has one partition and ignores it.
   */
  concurrentPartitions?: number;
  handler: BatchHandler;
  /**
   * Called when partitions of `topic` become this subscriber's, before any of their records are
   * delivered (the embedded log has one partition, assigned at subscribe). A stateful consumer
   * (the approval router) rebuilds the state of those partitions here.
   */
  onPartitionsAssigned?: (partitions: number[]) => Promise<void>;
  /**
   * Commit staged output and consumed offsets in one transaction (Kafka: needs a log created with a
   * transactionalId). For consumers whose output must never be duplicated: the approval router.
   * Others are at-least-once: output first, then offsets, and idempotent handlers.
   */
  transactional?: boolean;
  /** Called when partitions stop being this subscriber's (rebalance, close). */
  onPartitionsRevoked?: (partitions: number[]) => Promise<void>;
  /**
   * Told when the subscription stops delivering for a reason of its own (its consumer crashed and
   * is being rebuilt) and when it delivers again. An adapter never gives up on a subscription: it
   * recovers by itself once the log is reachable again.
   */
  onStatus?: (status: SubscriptionStatus) => void;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler in flight has finished and positions are saved. */
  close(): Promise<void>;
  /**
   * How many records of the topic the group has not handled yet (all partitions), or undefined
   * when the log cannot tell right now (brokers unreachable). Readiness reports a lagging consumer.
   */
  lag(): Promise<number | undefined>;
  /**
   * The same per partition, for every partition of the topic (not only those this subscriber
   * holds), or undefined when the log cannot tell right now. The consumer lag gauge shows it.
   */
  partitionLag(): Promise<PartitionLag[] | undefined>;
}

export interface PartitionLag {
  partition: number;
  lag: number;
}

export interface EventLog {
  /**
   * Appends records as one batch; resolves only once they are durable (fsync / acks=all). A batch
   * is all or nothing: its records become visible at once, contiguous and in order (a subscriber
   * may still get them in two deliveries where `maxBatch` falls inside the batch), and after
   * a crash either all of them are in the log or none is (so a vote and its decision, appended
   * together, never appear one without the other). The file log marks batch boundaries on disk and
   * recovery cuts only a torn, unacknowledged batch, whole. Kafka writes the records of one produce
   * request for one partition as one record batch, and the transaction of a transactional
   * subscription makes all of a handler's output atomic across partitions and topics; a plain
   * append spanning several partitions is atomic per partition only. Once an append has resolved,
   * its records are never lost or rewritten: damage to them stops the log from opening.
   */
  append(topic: string, records: readonly LogRecord[]): Promise<void>;
  /**
   * Optional: appends text exactly as given, even if it is not JSON (what a foreign producer
   * could put on Kafka). Lets the contract suite check that poison records reach handlers with
   * `value: undefined`. Same durability as `append`.
   */
  appendRaw?(topic: string, records: readonly RawLogRecord[]): Promise<void>;
  /**
   * Delivers batches to `handler` in order per key; the group's position advances past a batch
   * only after the handler resolves (at-least-once: handlers must be idempotent). If the handler
   * throws, the batch is delivered again after a short backoff.
   */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads one partition from offset 0 up to its committed end as of the call: everything written
   * (and, on Kafka, committed) before the call is delivered; nothing aborted is.
   */
  readPartition(topic: string, partition: number, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void>;
  /**
   * The last record of a partition up to its committed end as of the call (on Kafka, the last
   * record of a committed transaction), or undefined when it has none. Costs a read of the tail,
   * not of the partition: the approval router checks with it that its stream heads cover the events.
   */
  lastRecord(topic: string, partition: number): Promise<DeliveredRecord | undefined>;
  /** Optional: about how many records the topic holds (progress bars). */
  approximateSize?(topic: string): Promise<number>;
  /** Reads a whole topic from offset 0 up to its current end (replay at start). */
  readAll(topic: string, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_LOG = Symbol('EVENT_LOG');
