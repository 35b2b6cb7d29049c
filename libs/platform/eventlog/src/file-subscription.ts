/**
 * The delivery loop of one consumer group on one topic of the embedded log: hand out batches from
 * the group's position, advance only after the handler resolves, sleep until the next append (no
 * polling), and redeliver a failed batch after a backoff.
 */
import type { BatchHandler, DeliveredRecord, LogRecord, Subscription } from './event-log.port.ts';
import type { CheckpointWriter } from './checkpoint-file.ts';
import type { StoredRecord } from './record-codec.ts';
import type { TopicFile } from './topic-file.ts';
import { handledCount } from './batch-result.ts';
import { timeBatchCommit } from '@countersign/telemetry';

export interface SubscriptionLoopOptions {
  topic: TopicFile;
  group: string;
  /** The first offset to deliver. */
  start: number;
  maxBatch: number;
  handler: BatchHandler;
  checkpoint: CheckpointWriter;
  log: (msg: string) => void;
  /** Called once the subscription has stopped and saved its position. */
  onClosed: () => void;
  /** Writes a handler's staged output (durably) before the position moves. */
  write: (topic: string, records: readonly LogRecord[]) => Promise<void>;
  onPartitionsAssigned?: (partitions: number[]) => Promise<void>;
  onPartitionsRevoked?: (partitions: number[]) => Promise<void>;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

/** Fresh objects per delivery, so one consumer cannot change what another one sees. */
export function toDelivered(topic: string, records: readonly StoredRecord[], from: number): DeliveredRecord[] {
  return records.map((r, i) => ({ topic, key: r.key, offset: String(from + i), partition: 0, raw: r.raw, value: parseOrUndefined(r.raw) }));
}

function parseOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Staged output merged per topic, in the order topics were first staged to. */
function byTopic(staged: ReadonlyArray<readonly [string, readonly LogRecord[]]>): Map<string, LogRecord[]> {
  const merged = new Map<string, LogRecord[]>();
  for (const [t, records] of staged) {
    const into = merged.get(t) ?? [];
    into.push(...records);
    merged.set(t, into);
  }
  return merged;
}

export function startSubscription(options: SubscriptionLoopOptions): Subscription {
  const { topic, group, maxBatch, handler, checkpoint, log } = options;
  let position = options.start;
  let stopping = false;
  // Wakes the current wait early on close. (Racing every wait against one long-lived "stopped"
  // promise would pile a reaction onto it per wait for the whole life of the subscription.)
  let wake: (() => void) | undefined;
  const waitUntil = (ready: (resolve: () => void) => void): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
      ready(resolve);
    }).finally(() => (wake = undefined));

  async function pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await waitUntil((resolve) => (timer = setTimeout(resolve, ms)));
    clearTimeout(timer);
  }

  async function loop(): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    let attempt = 1;
    while (!stopping) {
      if (topic.length <= position) {
        await waitUntil((resolve) => void topic.whenLongerThan(position).then(resolve));
        continue;
      }
      let end = Math.min(topic.length, position + maxBatch);
      const batch = toDelivered(topic.name, topic.records.slice(position, end), position);
      const staged: Array<[string, readonly LogRecord[]]> = [];
      const committed: Array<() => void> = [];
      try {
        const result = await handler(batch, { append: (t, records) => void staged.push([t, records]), afterCommit: (cb) => void committed.push(cb) });
        if (result) end = position + handledCount(result.handled, batch.length);
        // Output first, then the position: a crash in between redelivers the batch, and the
        // idempotent handler produces nothing twice. One append per topic, so a handler's output
        // to a topic is one batch: after a crash all of it is there or none.
        await timeBatchCommit('file', group, async () => { for (const [t, records] of byTopic(staged)) await options.write(t, records); });
      } catch (error) {
        const next = stopping ? 'closing; it is delivered again next time' : `redelivering in ${backoff} ms`;
        log(`event log: group ${group} failed on ${topic.name} offsets ${position}..${end - 1} ` +
          `(attempt ${attempt}); ${next}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        if (stopping) break;
        await pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        attempt += 1;
        continue;
      }
      backoff = FIRST_BACKOFF_MS;
      attempt = 1;
      position = end;
      checkpoint.set(position);
      for (const callback of committed) callback();
    }
  }

  const running = (async () => {
    await options.onPartitionsAssigned?.([0]);
    await loop();
    await options.onPartitionsRevoked?.([0]);
  })();
  let closing: Promise<void> | undefined;
  return {
    lag: async () => Math.max(0, topic.length - position),
    partitionLag: async () => [{ partition: 0, lag: Math.max(0, topic.length - position) }],
    close() {
      closing ??= (async () => {
        stopping = true;
        wake?.();
        try {
          await running;
          await checkpoint.flush();
        } finally {
          options.onClosed();
        }
      })();
      return closing;
    },
  };
}
