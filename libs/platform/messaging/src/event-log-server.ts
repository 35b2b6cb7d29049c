import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { EventLog, Subscription } from '@countersign/eventlog';
import type { Readiness } from '@countersign/runtime';
import { ConsumerLagGauge, escapeForLog } from '@countersign/telemetry';
import { ConsumerGroup, DEFAULT_RETRY_BOUNDS, type GroupHandlers, type NestHandler, type RetryBounds } from './consumer-group.ts';
import { ConsumerHealth, DEFAULT_HEALTH_BOUNDS, type HealthBounds } from './consumer-health.ts';
import { EXTRAS_KEY, type ConsumerOptions, type PatternExtras, type ServerFacts } from './log-patterns.ts';

export interface EventLogServerOptions {
  log: EventLog;
  readiness: Readiness;
  facts: ServerFacts;
  retry?: RetryBounds;
  health?: HealthBounds;
  /** How often each group's lag is looked at (readiness: stuck, lagging). */
  lagCheckMs?: number;
  now?: () => Date;
}

const LAG_CHECK_MS = 5000;

/**
 * The Nest custom transport over the EventLog port: every `@OnLogMessage` / `@OnLogBatch` handler
 * of the process, grouped by consumer group, consumed through one subscription per group with
 * the same validation, dead-lettering, tracing, bounded retries and readiness for all of them, on
 * the file log and on Kafka alike. Services hold no subscribe loops of their own.
 */
export class EventLogServer extends Server implements CustomTransportStrategy {
  private readonly groups: ConsumerGroup[] = [];
  private readonly healths: ConsumerHealth[] = [];
  private readonly subscriptions: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private readonly lagGauge = new ConsumerLagGauge();
  private readonly log = new Logger('event-log-server');

  constructor(private readonly options: EventLogServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), (error: unknown) => callback(error));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled(this.subscriptions.splice(0).map((s) => s.close()));
    for (const health of this.healths) health.close();
    this.lagGauge.close();
  }

  on(): void {
    throw new Error('the event log server has no events to listen to');
  }

  unwrap<T>(): T {
    return this.options.log as T;
  }

  private async start(): Promise<void> {
    const now = this.options.now ?? (() => new Date());
    for (const handlers of this.collect().values()) {
      const { group, readyWhenCaughtUp } = handlers.options;
      const catchUp = typeof readyWhenCaughtUp === 'function' ? readyWhenCaughtUp(this.options.facts) : readyWhenCaughtUp === true;
      const bounds = this.options.health ?? DEFAULT_HEALTH_BOUNDS;
      const maxLag = handlers.options.maxLag;
      const health = new ConsumerHealth(group, this.options.readiness, maxLag === undefined ? bounds : { ...bounds, maxLag }, catchUp);
      this.healths.push(health);
      this.groups.push(new ConsumerGroup(handlers, {
        log: this.options.log, health, facts: this.options.facts, retry: this.options.retry ?? DEFAULT_RETRY_BOUNDS, now,
        logger: { warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
      }));
    }
    for (const group of this.groups) this.subscriptions.push(await group.start());
    this.timer = setInterval(() => void this.checkLag(), this.options.lagCheckMs ?? LAG_CHECK_MS);
    this.timer.unref();
  }

  private async checkLag(): Promise<void> {
    await Promise.all(this.subscriptions.map(async (subscription, i) => {
      // Per partition for the lag gauge (metrics); their sum for readiness.
      const partitions = await subscription.partitionLag().catch(() => undefined);
      this.lagGauge.set(this.groups[i].group, this.groups[i].topic, partitions);
      this.healths[i].observeLag(partitions?.reduce((sum, p) => sum + p.lag, 0));
    }));
  }

  /** Groups the registered handlers by consumer group; one group's handlers must agree on its options. */
  private collect(): Map<string, GroupHandlers> {
    const groups = new Map<string, GroupHandlers>();
    for (const head of this.messageHandlers.values()) {
      for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) {
        const extras = handler.extras?.[EXTRAS_KEY] as PatternExtras | undefined;
        if (!extras) continue;
        const key = `${extras.consumer.group}\u0000${extras.consumer.topic}`;
        const existing = groups.get(key);
        if (existing && !sameOptions(existing.options, extras.consumer)) {
          throw new Error(`event log server: handlers of group ${extras.consumer.group} on ${extras.consumer.topic} declare different options`);
        }
        const entry = existing ?? { options: extras.consumer, messages: new Map() };
        groups.set(key, entry);
        this.place(entry, extras, handler as unknown as NestHandler);
      }
    }
    return groups;
  }

  private place(entry: GroupHandlers, extras: PatternExtras, handler: NestHandler): void {
    const { kind } = extras;
    const single = (name: 'batch' | 'assigned' | 'revoked' | 'deadLetter') => {
      if (entry[name]) throw new Error(`event log server: group ${extras.consumer.group} has two ${kind} handlers`);
      entry[name] = handler;
    };
    switch (kind) {
      case 'message':
        entry.messages.set(extras.type!, [...(entry.messages.get(extras.type!) ?? []), handler]);
        break;
      case 'batch':
        single('batch');
        break;
      case 'assigned':
        single('assigned');
        break;
      case 'revoked':
        single('revoked');
        break;
      case 'dead-letter':
        single('deadLetter');
        break;
      default: {
        const unknown: never = kind;
        throw new Error(`event log server: unknown handler kind ${escapeForLog(String(unknown))}`);
      }
    }
    if (entry.batch && entry.messages.size > 0) {
      throw new Error(`event log server: group ${extras.consumer.group} mixes a batch handler with message handlers`);
    }
  }
}

function sameOptions(a: ConsumerOptions, b: ConsumerOptions): boolean {
  return a.group === b.group && a.topic === b.topic && a.start === b.start && a.transactional === b.transactional &&
    a.maxBatch === b.maxBatch && a.concurrentPartitions === b.concurrentPartitions && a.readyWhenCaughtUp === b.readyWhenCaughtUp &&
    a.broadcast === b.broadcast && a.accept === b.accept && a.maxLag === b.maxLag;
}
