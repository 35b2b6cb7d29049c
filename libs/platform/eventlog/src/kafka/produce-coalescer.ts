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
    const group = this.waiting;
    this.waiting = [];
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
