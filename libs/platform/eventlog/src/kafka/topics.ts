/**
 * Topics are created on first use (the broker's auto-creation is never relied on: it would pick
 * its own partition count). The commands and events topics are co-partitioned: the router that
 * owns partition P of commands rebuilds its actions from partition P of events, which holds the
 * same keys only if both topics have the same number of partitions (and the same partitioner).
 */
import { TOPICS } from '@countersign/contracts';
import type { Admin } from 'kafkajs';

export interface TopicSettings {
  /** Partitions of topics this log creates (default 6). */
  partitions: number;
  /** Default: the broker's `default.replication.factor`. */
  replicationFactor?: number;
}

/** Kafka's legal topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const CREATION_TIMEOUT_MS = 10_000;
/** Topics whose partition P holds the same actions: the router owning commands/P reads events/P and heads/P. */
const COPARTITIONED: readonly string[] = [TOPICS.commands, TOPICS.events, TOPICS.heads];

/** The topics that must have as many partitions as `name` (same namespace prefix). */
export function copartitionedWith(name: string): string[] {
  const own = COPARTITIONED.find((t) => name.endsWith(t));
  if (own === undefined) return [];
  const prefix = name.slice(0, -own.length);
  return COPARTITIONED.filter((t) => t !== own).map((t) => `${prefix}${t}`);
}

export class TopicRegistry {
  private readonly partitionCounts = new Map<string, Promise<number>>();

  constructor(
    private readonly admin: Admin,
    private readonly settings: TopicSettings,
  ) {}

  /** The topic's partition count, creating the topic first if it does not exist. */
  ensure(name: string): Promise<number> {
    let count = this.partitionCounts.get(name);
    if (!count) {
      count = this.create(name);
      count.catch(() => this.partitionCounts.delete(name));
      this.partitionCounts.set(name, count);
    }
    return count;
  }

  async ensureAll(names: readonly string[]): Promise<void> {
    await Promise.all(names.map((n) => this.ensure(n)));
  }

  private async create(name: string): Promise<number> {
    if (!TOPIC_NAME.test(name)) throw new Error(`event log: invalid topic name ${JSON.stringify(name)} (allowed: letters, digits, '.', '_', '-')`);
    const partners = await Promise.all(copartitionedWith(name).map(async (p) => ({ name: p, count: await this.existingCount(p) })));
    const existing = partners.filter((p) => p.count !== undefined);
    const partnerCount = existing[0]?.count;
    // Created with the partner's count when the partner exists, so a missing half is never wrong.
    await this.admin.createTopics({
      topics: [{
        topic: name,
        numPartitions: partnerCount ?? (singlePartition(name) ? 1 : this.settings.partitions),
        ...(this.settings.replicationFactor ? { replicationFactor: this.settings.replicationFactor } : {}),
        // The events topic is the source of truth (routers and rebuilds replay it from offset 0)
        // and dead letters are evidence: neither may expire with the broker's default retention.
        ...(keepForever(name) ? { configEntries: [{ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }] } : {}),
        ...(compacted(name) ? { configEntries: COMPACTED_CONFIG } : {}),
      }],
      // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker answers until
      // the controller's metadata reaches it (KRaft): we wait ourselves.
      waitForLeaders: false,
    });
    const count = await this.listedCount(name);
    const partner = existing.find((p) => p.count !== count);
    if (partner) {
      throw new Error(
        `event log: topic ${name} has ${count} partitions but ${partner.name} has ${partner.count}; they must have the same count ` +
          `(partition P of both holds the same actions): add partitions to the smaller one or recreate it`,
      );
    }
    return count;
  }

  /** Waits until the broker lists the topic with a leader for every partition. */
  private async listedCount(name: string): Promise<number> {
    const deadline = Date.now() + CREATION_TIMEOUT_MS;
    for (;;) {
      const count = await this.existingCount(name, true);
      if (count !== undefined) return count;
      if (Date.now() > deadline) throw new Error(`event log: topic ${name} was created but the broker has not listed it with leaders after ${CREATION_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async existingCount(name: string, withLeaders = false): Promise<number | undefined> {
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [name] });
      const found = topics.find((t) => t.name === name);
      if (!found || found.partitions.length === 0) return undefined;
      if (withLeaders && found.partitions.some((p) => p.leader < 0)) return undefined;
      return found.partitions.length;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE') return undefined;
      throw error;
    }
  }
}

/**
 * The stream heads keep the last record per action (compaction), never expire by time, and roll
 * small segments so the cleaner (which never touches the active segment) compacts them soon.
 */
const COMPACTED_CONFIG = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.bytes', value: String(16 * 1024 * 1024) },
  { name: 'segment.ms', value: String(60 * 60_000) },
  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
  // A batch's heads go in one record batch: room for the heads of a large batch of full states.
  { name: 'max.message.bytes', value: String(8 * 1024 * 1024) },
];

export function compacted(topic: string): boolean {
  return /(^|\.)countersign\.heads$/.test(topic);
}

/**
 * One partition: the signed checkpoints are one chain whose leader is whoever holds partition 0
 * (ADR 0007), and requests for one are few; with more, the key's hash would pick another.
 */
export function singlePartition(topic: string): boolean {
  return /(^|\.)countersign\.(checkpoints|checkpoint-requests)$/.test(topic);
}

/** Topics whose records must never be deleted by retention (matched by suffix, so namespaces apply). */
export function keepForever(topic: string): boolean {
  return /(^|\.)countersign\.(events|deadletter|policies|security|checkpoints)$/.test(topic);
}
