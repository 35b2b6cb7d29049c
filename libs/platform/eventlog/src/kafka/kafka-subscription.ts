/**
 * One subscription = one kafkajs consumer in the subscription's group. Batches come from
 * `eachBatch` (one partition each), are cut to `maxBatch`, handed to the handler, and made durable
 * by the BatchWriter before the next chunk; offsets are resolved and committed by hand
 * (`autoCommit: false`, `eachBatchAutoResolve: false`). A failing handler gets the same records
 * again after a backoff, inside the same `eachBatch` call (heartbeating meanwhile), so the consumer
 * neither crashes nor skips the batch; a rebalance seen by a heartbeat abandons the batch
 * uncommitted, for the partition's next owner.
 *
 * A consumer that kafkajs gives up on (a crash it calls non-retriable, such as "Failed to find
 * group coordinator" while the brokers restart) is rebuilt here, with a backoff, for as long as it
 * takes: the subscription never stops by itself. `onStatus` says `recovering` meanwhile, so
 * readiness can show it, and `running` once the new consumer has joined its group.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DeliveredRecord, PartitionLag, SubscribeOptions, Subscription } from '../event-log.port.ts';
import type { BatchWriter, StagedOutput } from './batch-writer.ts';
import { encodeRecords, toDelivered } from './kafka-codec.ts';
import { handledCount } from '../batch-result.ts';
import { PartitionAnnouncer } from './partition-announcer.ts';

export interface KafkaSubscriptionDeps {
  kafka: Kafka;
  writer: BatchWriter;
  maxBatch: number;
  /** Where each partition starts when first assigned (fromBeginning / fromEnd), else the group's offset. */
  startOffsets?: Map<number, bigint>;
  /** The group's lag on each partition of the topic (committed offsets against the end), or undefined when unknown. */
  lag: () => Promise<PartitionLag[] | undefined>;
  log: (msg: string) => void;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const HEARTBEAT_EVERY_MS = 1000;
const SESSION_TIMEOUT_MS = 8000;
const FIRST_RECOVERY_MS = 500;
const MAX_RECOVERY_MS = 30_000;
/** No fetch or heartbeat answered for this long: the brokers are away, say so (kafkajs keeps retrying). */
const SILENCE_MS = 10_000;

export async function startKafkaSubscription(o: SubscribeOptions, deps: KafkaSubscriptionDeps): Promise<Subscription> {
  const { topic, group, handler } = o;
  const { log, writer, maxBatch } = deps;
  const describe = `group ${group} on ${topic}`;
  const announcer = new PartitionAnnouncer(o, describe, log);
  const positioned = new Set<number>();
  let stopping = false;
  /** Ends the backoffs in progress (one per partition handled at once), if any, when the subscription closes. */
  const cancelPauses = new Set<() => void>();

  let consumer: Consumer;
  let recovering: Promise<void> | undefined;
  /** When the brokers last answered this member (a fetch or a heartbeat), and whether we said they went silent. */
  let lastHeard = Date.now();
  let silent = false;
  const heard = () => {
    lastHeard = Date.now();
    if (silent) {
      silent = false;
      o.onStatus?.({ state: 'running' });
    }
  };
  const watchdog = setInterval(() => {
    if (stopping || recovering || silent || Date.now() - lastHeard < SILENCE_MS) return;
    silent = true;
    o.onStatus?.({ state: 'recovering', detail: `no answer from the brokers for ${Math.round((Date.now() - lastHeard) / 1000)} s; retrying` });
  }, 1000);
  watchdog.unref();
  /** Why the current consumer crashed, until a rebuild starts; a crash during a rebuild starts another. */
  let crashed: string | undefined;

  /** A consumer of the group with every listener this subscription needs (built again after a crash). */
  function createConsumer(): Consumer {
    const created = deps.kafka.consumer({
      groupId: group,
      maxWaitTimeInMs: 20,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      // A member that died (kill -9) holds its partitions until its session expires: keep that short
      // (the broker's minimum is 6 s) so a replacement takes over in seconds, not kafkajs's 30.
      sessionTimeout: SESSION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
    created.on(created.events.FETCH, heard);
    created.on(created.events.HEARTBEAT, heard);
    created.on(created.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[topic] ?? [];
      // Must run before the first fetch of the generation, which it does: kafkajs emits
      // synchronously at the end of the join.
      for (const partition of partitions) {
        const start = deps.startOffsets?.get(partition);
        if (start !== undefined && !positioned.has(partition)) created.seek({ topic, partition, offset: start.toString() });
        positioned.add(partition);
      }
      announcer.joined(payload.memberId, partitions);
      heard();
      o.onStatus?.({ state: 'running' });
    });
    created.on(created.events.CRASH, ({ payload }) => {
      log(`event log: ${describe}: consumer crashed (${payload.restart ? 'kafkajs restarts it' : 'rebuilding it'}): ${payload.error.message}`);
      announcer.left();
      if (payload.restart) {
        o.onStatus?.({ state: 'recovering', detail: `consumer crashed, kafkajs restarts it: ${payload.error.message}` });
        return;
      }
      if (created !== consumer || stopping) return;
      crashed = payload.error.message;
      recovering ??= (async () => {
        while (crashed !== undefined && !stopping) {
          const why = crashed;
          crashed = undefined;
          await recover(why);
        }
      })().finally(() => (recovering = undefined));
    });
    return created;
  }

  async function start(candidate: Consumer): Promise<void> {
    await candidate.connect();
    try {
      await candidate.subscribe({ topic, fromBeginning: true });
      await candidate.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: o.concurrentPartitions ?? 1, eachBatch });
    } catch (error) {
      await candidate.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Replaces a consumer kafkajs gave up on, retrying until the brokers answer again. */
  async function recover(why: string): Promise<void> {
    o.onStatus?.({ state: 'recovering', detail: `consumer crashed and is being rebuilt: ${why}` });
    const previous = consumer;
    await previous.disconnect().catch(() => undefined);
    for (let wait = FIRST_RECOVERY_MS, attempt = 1; !stopping; wait = Math.min(wait * 2, MAX_RECOVERY_MS), attempt += 1) {
      const candidate = createConsumer();
      consumer = candidate;
      try {
        await start(candidate);
        log(`event log: ${describe}: consumer rebuilt (attempt ${attempt})`);
        return;
      } catch (error) {
        log(`event log: ${describe}: could not rebuild the consumer (attempt ${attempt}; next in ${wait} ms): ${(error as Error).message}`);
        o.onStatus?.({ state: 'recovering', detail: `cannot rebuild the consumer: ${(error as Error).message}` });
      }
      await new Promise<void>((resolve) => {
        const cancel = () => {
          clearTimeout(timer);
          cancelPauses.delete(cancel);
          resolve();
        };
        const timer = setTimeout(cancel, wait);
        cancelPauses.add(cancel);
      });
    }
  }

  /** Waits for `work`, heartbeating so a long wait neither expels us nor hides a rebalance. */
  async function withHeartbeats<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    let done = false;
    const tracked = work.finally(() => (done = true));
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<void>((resolve) => (timer = setTimeout(resolve, HEARTBEAT_EVERY_MS)));
      await Promise.race([tracked.then(() => undefined, () => undefined), tick]);
      clearTimeout(timer);
      if (done) return tracked;
      await heartbeat();
    }
  }

  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let cancel: () => void = () => undefined;
    const slept = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      cancel = resolve;
      cancelPauses.add(cancel);
    });
    try {
      await withHeartbeats(slept, heartbeat);
    } finally {
      clearTimeout(timer);
      cancelPauses.delete(cancel);
    }
  }

  /**
   * Handles one chunk until it is durable: how many of its records were handled (all, unless the
   * handler took only the first few), or 0 if the subscription is closing first.
   */
  async function handleChunk(records: DeliveredRecord[], lastOffset: bigint, payload: EachBatchPayload): Promise<number> {
    const { partition } = payload.batch;
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt += 1) {
      if (stopping && attempt > 1) return 0;
      const staged: StagedOutput[] = [];
      const callbacks: Array<() => void> = [];
      let handled = records.length;
      try {
        await withHeartbeats(announcer.ready(partition), payload.heartbeat);
        // A slow handler (a large batch into a slow store) must not cost us the membership.
        const result = await withHeartbeats(handler(records, {
          append: (t, output) => void staged.push({ topic: t, messages: encodeRecords(t, output) }),
          afterCommit: (callback) => void callbacks.push(callback),
        }), payload.heartbeat);
        if (result) handled = handledCount(result.handled, records.length);
        // After the chunk's last record, resume after any control records that follow it.
        const nextOffset = handled === records.length ? lastOffset + 1n : BigInt(records[handled - 1].offset) + 1n;
        await writer.commit({
          group, topic, partition, nextOffset, staged, transactional: o.transactional === true,
          commitOffset: (offset) => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }),
        });
      } catch (error) {
        if (isGroupChange(error)) throw error; // kafkajs rejoins; the batch stays uncommitted
        const next = stopping ? 'closing; it is delivered again next time' : `redelivering in ${backoff} ms`;
        log(`event log: ${describe} failed on partition ${partition} offsets ${records[0].offset}..${records.at(-1)!.offset} ` +
          `(attempt ${attempt}); ${next}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        if (stopping) return 0;
        await pause(backoff, payload.heartbeat);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          log(`event log: ${describe}: an afterCommit callback failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        }
      }
      return handled;
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let from = 0; from < batch.messages.length; ) {
      if (stopping || !payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(from, from + maxBatch);
      const isLastChunk = from + maxBatch >= batch.messages.length;
      const lastOffset = BigInt(isLastChunk ? batch.lastOffset() : chunk.at(-1)!.offset);
      const records = chunk.map((m) => toDelivered(topic, batch.partition, m));
      const handled = await handleChunk(records, lastOffset, payload);
      if (handled === 0) return;
      payload.resolveOffset(chunk[handled - 1].offset);
      from += handled;
      await payload.heartbeat();
    }
  }

  consumer = createConsumer();
  await start(consumer);

  let closing: Promise<void> | undefined;
  return {
    lag: async () => (await deps.lag())?.reduce((sum, p) => sum + p.lag, 0),
    partitionLag: deps.lag,
    close() {
      closing ??= (async () => {
        stopping = true;
        clearInterval(watchdog);
        for (const cancel of [...cancelPauses]) cancel();
        await recovering;
        // Returns once the batch in flight has finished (and committed) and the member has left.
        await consumer.disconnect();
        announcer.left();
        await announcer.settled();
      })();
      return closing;
    },
  };
}

/** Errors that mean this member's assignment is changing: leave the batch to kafkajs. */
function isGroupChange(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'NOT_COORDINATOR_FOR_GROUP';
}
