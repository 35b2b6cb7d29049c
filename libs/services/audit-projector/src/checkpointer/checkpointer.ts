import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AccumulatedRoot, CHECKPOINT_STREAM_ID, signCheckpoint, TOPICS, validateCheckpointEvent, type ActionEvent, type CheckpointSignedEvent } from '@countersign/contracts';
import { EVENT_LOG, type DeliveredRecord, type EventLog } from '@countersign/eventlog';
import { CHECKPOINT_KEYS, CLOCK, ID_SOURCE, type CheckpointKeySet, type Clock, type IdSource } from '@countersign/runtime';
import { escapeForLog, recordCheckpointsSigned, type CheckpointReason } from '@countersign/telemetry';
import { checkpointEvents, lastOf, NO_CHECKPOINT, planCheckpoints, type Head, type LastCheckpoint } from './checkpoint-plan.ts';

export const CHECKPOINTER_SETTINGS = Symbol('CHECKPOINTER_SETTINGS');

export interface CheckpointerSettings {
  intervalMs: number;
  /** The payload's `log`: the Kafka namespace, or `countersign`. */
  log: string;
  /** Partitions of the events topic (1 on the file log): how far "caught up" is looked for at shutdown. */
  eventPartitions: number;
}

/** How long a clean shutdown waits for the last append to come back and for the events read so far. */
const SHUTDOWN_WAIT_MS = 5000;

/**
 * The checkpointer (ADR 0007): keeps every stream's head as it follows the events, knows the last
 * checkpoint from the checkpoints topic, and, while it leads (holds partition 0 of the checkpoints
 * topic in its group), signs the heads that moved: every interval, on request, and at a clean
 * shutdown. One round at a time, and never the next number before the previous round has come
 * back from the checkpoints topic, so a number is never signed twice by this process.
 */
@Injectable()
export class Checkpointer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('checkpointer');
  private readonly seen = new Map<string, Head>();
  /** Per partition of the events topic: the offset after the last event handled. */
  private readonly positions = new Map<number, number>();
  private committed = new Map<string, Head>();
  /** The committed heads' Merkle tree, moved on by each plan and by each checkpoint read back. */
  private roots = new AccumulatedRoot();
  private last: LastCheckpoint = NO_CHECKPOINT;
  private leading = false;
  /** False until the checkpoints topic has been read (and again after an append of unknown fate). */
  private loaded = false;
  /** The number of the last checkpoint appended and not yet read back. */
  private awaiting?: number;
  private round?: Promise<void>;
  private requested?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CHECKPOINT_KEYS) private readonly keys: CheckpointKeySet | null,
    @Inject(CHECKPOINTER_SETTINGS) private readonly settings: CheckpointerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  onModuleInit(): void {
    if (!this.keys) this.logger.warn('no checkpoint keys: this process signs no checkpoints');
    this.timer = setInterval(() => this.trigger('interval'), this.settings.intervalMs);
    this.timer.unref();
  }

  /** Events as the follower reads them, in order per partition; redeliveries do not move a head back. */
  observe(events: ReadonlyArray<{ message: ActionEvent; record: DeliveredRecord }>): void {
    for (const { message, record } of events) {
      const head = this.seen.get(message.streamId);
      if (!head || message.seq > head.seq) this.seen.set(message.streamId, { seq: message.seq, hash: message.hash });
      const next = Number(record.offset) + 1;
      if (next > (this.positions.get(record.partition) ?? 0)) this.positions.set(record.partition, next);
    }
  }

  async assigned(partitions: readonly number[]): Promise<void> {
    if (!partitions.includes(0)) return;
    await this.load();
    this.leading = true;
    this.logger.log(`leading: checkpoint ${this.last.number} is the last; signing every ${this.settings.intervalMs} ms when heads move`);
  }

  revoked(partitions: readonly number[]): void {
    if (partitions.includes(0)) this.leading = false;
  }

  /** CheckpointSigned events read back from the checkpoints topic (ours or a former leader's). */
  confirm(events: readonly CheckpointSignedEvent[]): void {
    for (const event of events) this.apply(event);
    if (this.awaiting !== undefined && this.last.number >= this.awaiting) this.awaiting = undefined;
    if (this.awaiting === undefined && this.requested !== undefined) this.trigger('request', this.requested);
  }

  /** A request for a checkpoint now: signed at once when heads moved, or after the round in flight. */
  request(requestId: string): void {
    this.trigger('request', requestId);
  }

  /** Resolves once the round in flight, if any, is over (appended or failed). */
  async idle(): Promise<void> {
    await this.round;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    if (!this.leading || !this.keys) return;
    const deadline = Date.now() + SHUTDOWN_WAIT_MS;
    await this.idle();
    try {
      await this.caughtUp(deadline);
      await this.sign('shutdown');
    } catch (error) {
      this.logger.error(`no final checkpoint: ${escapeForLog((error as Error).message)}`);
    }
  }

  private trigger(reason: CheckpointReason, requestId?: string): void {
    if (requestId !== undefined) this.requested = requestId;
    if (this.stopped || !this.leading || !this.keys) return;
    if (this.round || this.awaiting !== undefined) return; // the request, if any, is taken up when the round comes back
    this.round = this.sign(reason, this.requested)
      .catch((error: Error) => {
        this.loaded = false; // the append may or may not have landed: read the topic again first
        this.awaiting = undefined;
        this.logger.error(`checkpoint (${reason}) failed, retried at the next interval: ${escapeForLog(error.message)}`);
      })
      .finally(() => {
        this.round = undefined;
        // A request that came during a round that signed nothing is not left for the interval.
        if (this.requested !== undefined && this.awaiting === undefined) this.trigger('request', this.requested);
      });
  }

  private async sign(reason: CheckpointReason, requestId?: string): Promise<void> {
    if (requestId === this.requested) this.requested = undefined; // first: a failing round must not ask again at once
    if (!this.loaded) await this.load();
    const started = performance.now();
    const planned = planCheckpoints({
      last: this.last, committed: this.committed, seen: this.seen, at: this.clock.now().toISOString(), log: this.settings.log, roots: this.roots,
      positions: Object.fromEntries([...this.positions].map(([p, next]) => [`${TOPICS.events}/${p}`, next])),
    });
    if (planned.length === 0) return;
    const signer = this.keys!.signer;
    const signed = await Promise.all(planned.map(async (c) => ({ ...c, jws: await signCheckpoint(c.payload, signer) })));
    const events = checkpointEvents(signed, this.last, { newId: () => this.ids.next(), ...(requestId ? { causationId: requestId } : {}) });
    this.awaiting = events.at(-1)!.seq;
    await this.log.append(TOPICS.checkpoints, events.map((value) => ({ key: CHECKPOINT_STREAM_ID, value })));
    recordCheckpointsSigned(reason, events.length, (performance.now() - started) / 1000);
    if (reason === 'shutdown') this.logger.log(`final checkpoint ${events.at(-1)!.seq} signed (${planned.at(-1)!.payload.streams} streams)`);
  }

  /** Every checkpoint so far, from the topic: the chain's end and the heads they committed to. */
  private async load(): Promise<void> {
    this.last = NO_CHECKPOINT;
    this.committed = new Map();
    this.roots = new AccumulatedRoot();
    await this.log.readPartition(TOPICS.checkpoints, 0, (records) => {
      for (const record of records) {
        const check = validateCheckpointEvent(record.value);
        if (check.ok) this.apply(check.value);
        else this.logger.warn(`checkpoints ${record.partition}/${record.offset} is not a CheckpointSigned event; skipped`);
      }
    });
    this.loaded = true;
    if (this.awaiting !== undefined && this.last.number >= this.awaiting) this.awaiting = undefined;
  }

  /** The next checkpoint of the chain moves it on; any other (a repeat, a gap) is ignored. */
  private apply(event: CheckpointSignedEvent): void {
    if (event.data.number !== this.last.number + 1 || event.prevHash !== this.last.eventHash) {
      if (event.data.number > this.last.number) this.logger.warn(`checkpoint ${event.data.number} does not follow ${this.last.number}; ignored`);
      return;
    }
    this.last = lastOf(event);
    for (const h of event.data.changed) {
      this.committed.set(h.streamId, { seq: h.seq, hash: h.hash });
      this.roots.set(h);
    }
  }

  /** Waits (bounded) until the events present on the log now have been read, and the last append came back. */
  private async caughtUp(deadline: number): Promise<void> {
    const ends = await Promise.all(Array.from({ length: this.settings.eventPartitions }, (_, p) =>
      this.log.lastRecord(TOPICS.events, p).then((r) => (r ? Number(r.offset) + 1 : 0), () => 0)));
    const behind = () => this.awaiting !== undefined || ends.some((end, p) => (this.positions.get(p) ?? 0) < end);
    while (behind() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.awaiting !== undefined) {
      // Never sign a number twice: without our last round back, the final checkpoint is skipped.
      throw new Error(`checkpoint ${this.awaiting} did not come back within ${SHUTDOWN_WAIT_MS} ms`);
    }
  }
}
