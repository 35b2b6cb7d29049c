/**
 * One subscription = one kafkajs consumer in the subscription's group. Batches come from
 * `eachBatch` (one partition each), are cut to `maxBatch`, handed to the handler, and made durable
 * by the BatchWriter before the next chunk; offsets are resolved and committed by hand
 * (`autoCommit: false`, `eachBatchAutoResolve: false`). A failing handler gets the same records
 * again after a backoff, inside the same `eachBatch` call (heartbeating meanwhile), so the consumer
 * neither crashes nor skips the batch; a rebalance seen by a heartbeat abandons the batch
 * uncommitted, for the partition's next owner.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DeliveredRecord, SubscribeOptions, Subscription } from '../event-log.port.ts';
import type { BatchWriter, StagedOutput } from './batch-writer.ts';
import { encodeRecords, toDelivered } from './kafka-codec.ts';
import { PartitionAnnouncer } from './partition-announcer.ts';

export interface KafkaSubscriptionDeps {
  kafka: Kafka;
  writer: BatchWriter;
  maxBatch: number;
  /** Where each partition starts when first assigned (fromBeginning / fromEnd), else the group's offset. */
  startOffsets?: Map<number, bigint>;
  log: (msg: string) => void;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const HEARTBEAT_EVERY_MS = 1000;
const SESSION_TIMEOUT_MS = 8000;

export async function startKafkaSubscription(o: SubscribeOptions, deps: KafkaSubscriptionDeps): Promise<Subscription> {
  const { topic, group, handler } = o;
  const { log, writer, maxBatch } = deps;
  const describe = `group ${group} on ${topic}`;
  const announcer = new PartitionAnnouncer(o, describe, log);
  const positioned = new Set<number>();
  let stopping = false;
  /** Ends the backoff in progress, if any, when the subscription closes. */
  let cancelPause: (() => void) | undefined;

  const consumer: Consumer = deps.kafka.consumer({
    groupId: group,
    maxWaitTimeInMs: 20,
    heartbeatInterval: HEARTBEAT_EVERY_MS,
    // A member that died (kill -9) holds its partitions until its session expires: keep that short
    // (the broker's minimum is 6 s) so a replacement takes over in seconds, not kafkajs's 30.
    sessionTimeout: SESSION_TIMEOUT_MS,
    allowAutoTopicCreation: false,
    readUncommitted: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[topic] ?? [];
    // Must run before the first fetch of the generation, which it does: kafkajs emits
    // synchronously at the end of the join.
    for (const partition of partitions) {
      const start = deps.startOffsets?.get(partition);
      if (start !== undefined && !positioned.has(partition)) consumer.seek({ topic, partition, offset: start.toString() });
      positioned.add(partition);
    }
    announcer.joined(payload.memberId, partitions);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log(`event log: ${describe}: consumer crashed (${payload.restart ? 'restarting' : 'not restarting'}): ${payload.error.message}`);
    announcer.left();
  });

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
    const slept = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      cancelPause = resolve;
    });
    try {
      await withHeartbeats(slept, heartbeat);
    } finally {
      clearTimeout(timer);
      cancelPause = undefined;
    }
  }

  /** Handles one chunk until it is durable; false if the subscription is closing first. */
  async function handleChunk(records: DeliveredRecord[], nextOffset: bigint, payload: EachBatchPayload): Promise<boolean> {
    const { partition } = payload.batch;
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt += 1) {
      if (stopping && attempt > 1) return false;
      const staged: StagedOutput[] = [];
      const callbacks: Array<() => void> = [];
      try {
        await withHeartbeats(announcer.ready(partition), payload.heartbeat);
        // A slow handler (a large batch into a slow store) must not cost us the membership.
        await withHeartbeats(handler(records, {
          append: (t, output) => void staged.push({ topic: t, messages: encodeRecords(t, output) }),
          afterCommit: (callback) => void callbacks.push(callback),
        }), payload.heartbeat);
        await writer.commit({
          group, topic, partition, nextOffset, staged, transactional: o.transactional === true,
          commitOffset: (offset) => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }),
        });
      } catch (error) {
        if (isGroupChange(error)) throw error; // kafkajs rejoins; the batch stays uncommitted
        const next = stopping ? 'closing; it is delivered again next time' : `redelivering in ${backoff} ms`;
        log(`event log: ${describe} failed on partition ${partition} offsets ${records[0].offset}..${records.at(-1)!.offset} ` +
          `(attempt ${attempt}); ${next}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        if (stopping) return false;
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
      return true;
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let from = 0; from < batch.messages.length; from += maxBatch) {
      if (stopping || !payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(from, from + maxBatch);
      const last = chunk.at(-1)!;
      // After the batch's last record, resume after any control records that follow it.
      const isLastChunk = from + maxBatch >= batch.messages.length;
      const nextOffset = BigInt(isLastChunk ? batch.lastOffset() : last.offset) + 1n;
      const records = chunk.map((m) => toDelivered(topic, batch.partition, m));
      if (!(await handleChunk(records, nextOffset, payload))) return;
      payload.resolveOffset(last.offset);
      await payload.heartbeat();
    }
  }

  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        stopping = true;
        cancelPause?.();
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
