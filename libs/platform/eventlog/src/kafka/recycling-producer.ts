/**
 * The log's idempotent producer, replaced when it cannot recover by itself. kafkajs keeps an
 * idempotent producer's id and sequence numbers for its whole life; after a broker restart the
 * broker can refuse them for good (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID), and every
 * later append of the process then fails while its consumers, readiness and the broker are fine.
 * So a producer is dropped after such an error, or after `maxFailures` failed sends in a row
 * spanning at least `minFailingMs` (an outage that outlived kafkajs's own retries), and the next
 * send starts a new one (a new producer id). What a failed send carried was answered as failed;
 * its callers retry it with their own idempotency (action ids, command ids).
 */

/** The part of a kafkajs producer this needs. */
export interface SendingProducer<Args> {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(args: Args): Promise<unknown>;
}

export interface RecyclingOptions {
  maxFailures?: number;
  minFailingMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/** Broker answers that say this producer's id or sequence is unusable: only a new producer helps. */
const UNRECOVERABLE = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export class RecyclingProducer<Args> {
  private current: Promise<SendingProducer<Args>> | undefined;
  private failures = 0;
  private failingSince = 0;
  private readonly maxFailures: number;
  private readonly minFailingMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly create: () => SendingProducer<Args>, options: RecyclingOptions = {}) {
    this.maxFailures = options.maxFailures ?? 3;
    this.minFailingMs = options.minFailingMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /** Connects the first producer now, so a log that cannot reach its brokers fails at start. */
  async connect(): Promise<void> {
    await this.producer();
  }

  async sendBatch(args: Args): Promise<void> {
    const used = this.producer();
    try {
      await (await used).sendBatch(args);
      this.failures = 0;
    } catch (error) {
      if (this.failures === 0) this.failingSince = this.now();
      this.failures += 1;
      const type = errorType(error);
      const stuck = this.failures >= this.maxFailures && this.now() - this.failingSince >= this.minFailingMs;
      if ((type && UNRECOVERABLE.has(type)) || stuck) {
        this.log(`event log: replacing the producer after ${type ? `a ${type} answer` : `${this.failures} failed sends in ${this.now() - this.failingSince} ms`}`);
        this.drop(used);
      }
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await current.then((p) => p.disconnect()).catch(() => undefined);
  }

  private producer(): Promise<SendingProducer<Args>> {
    if (this.current) return this.current;
    const producer = this.create();
    const connected = producer.connect().then(() => producer);
    this.current = connected;
    // A producer that could not connect is not kept: the next send tries a new one.
    connected.catch(() => this.drop(connected));
    return connected;
  }

  private drop(which: Promise<SendingProducer<Args>>): void {
    if (this.current !== which) return;
    this.current = undefined;
    this.failures = 0;
    void which.then((p) => p.disconnect()).catch(() => undefined);
  }
}

/** The broker's error type of a kafkajs error, looking through the wrappers kafkajs puts around it. */
function errorType(error: unknown, depth = 0): string | undefined {
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (typeof e.type === 'string') return e.type;
  // KafkaJSAggregateError: one error per partition's request.
  if (Array.isArray(e.errors)) for (const inner of e.errors) {
    const type = errorType(inner, depth + 1);
    if (type) return type;
  }
  return errorType(e.cause, depth + 1);
}
