/**
 * Group commit for plain (non-transactional) produces: while one produce request is in flight,
 * the appends that come in wait, and then go out together in one `sendBatch`. At a low rate an
 * append is sent at once (no linger); under load, requests grow instead of queueing one by one
 * behind the idempotent producer (which allows one request in flight). Each append stays one
 * record batch per partition or part of a larger one, so it is still all or nothing; a failed
 * request fails every append it carried.
 */
import type { StagedOutput } from './batch-writer.ts';

interface Waiting {
  output: StagedOutput;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class ProduceCoalescer {
  private waiting: Waiting[] = [];
  private inFlight: Promise<void> | undefined;

  constructor(private readonly sendBatch: (topicMessages: StagedOutput[]) => Promise<void>) {}

  send(outputs: readonly StagedOutput[]): Promise<void> {
    const nonEmpty = outputs.filter((o) => o.messages.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    return Promise.all(nonEmpty.map((output) => new Promise<void>((resolve, reject) => {
      this.waiting.push({ output, resolve, reject });
      this.pump();
    }))).then(() => undefined);
  }

  /** Resolves once nothing is in flight or waiting. */
  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private pump(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    // Appends are grouped whole, up to the request size bound (one larger append goes alone).
    let size = 0;
    let taken = 0;
    while (taken < this.waiting.length && (taken === 0 || size + bytesOf([this.waiting[taken].output]) <= MAX_REQUEST_BYTES)) {
      size += bytesOf([this.waiting[taken].output]);
      taken += 1;
    }
    const group = this.waiting.slice(0, taken);
    this.waiting = this.waiting.slice(taken);
    this.inFlight = this.sendBatch(mergeByTopic(group.map((w) => w.output))).then(
      () => group.forEach((w) => w.resolve()),
      (error: unknown) => group.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.inFlight = undefined;
      this.pump();
    });
  }
}

/** One entry per topic, records in the order they were handed over. */
export function mergeByTopic(staged: readonly StagedOutput[]): StagedOutput[] {
  const byTopic = new Map<string, StagedOutput>();
  for (const s of staged) {
    if (s.messages.length === 0) continue;
    const entry = byTopic.get(s.topic);
    if (entry) entry.messages.push(...s.messages);
    else byTopic.set(s.topic, { topic: s.topic, messages: [...s.messages] });
  }
  return [...byTopic.values()];
}

/**
 * The most record bytes one produce request carries when output is grouped. The broker refuses a
 * partition's record batch above `message.max.bytes` (1 MiB by default); staying well under it
 * keeps grouped output within the limit whatever the partitioning.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** About how many bytes the records take on the wire (keys and values; headers are small). */
export function bytesOf(staged: readonly StagedOutput[]): number {
  let bytes = 0;
  for (const s of staged) for (const m of s.messages) bytes += m.key.length + m.value.length + 16;
  return bytes;
}

/**
 * Splits output into requests of at most MAX_REQUEST_BYTES (a record larger than that goes alone).
 * Only for output whose atomicity does not rest on one request: a transaction's.
 */
export function chunkBySize(staged: readonly StagedOutput[]): StagedOutput[][] {
  const chunks: StagedOutput[][] = [];
  let current: StagedOutput[] = [];
  let bytes = 0;
  for (const s of staged) {
    for (const m of s.messages) {
      const size = m.key.length + m.value.length + 16;
      if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      const last = current.at(-1);
      if (last?.topic === s.topic) last.messages.push(m);
      else current.push({ topic: s.topic, messages: [m] });
      bytes += size;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
