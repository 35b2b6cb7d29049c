/**
 * The embedded event log: one append-only file per topic (`<dir>/topics/<topic>.log`, see
 * record-codec.ts) with its acknowledged length (`<topic>.ack`), every record kept in memory,
 * consumer positions in `<dir>/checkpoints/<group>@<topic>.json`. One partition per topic, offsets
 * are record indexes. Meant for one process per directory (embedded mode runs every service in one
 * process). Opening recovers every topic (topic-verdict.ts) and checks every checkpoint against its
 * topic; anything it cannot recover without dropping acknowledged data refuses the open.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveredRecord, EventLog, LogRecord, RawLogRecord, SubscribeOptions, Subscription } from './event-log.port.ts';
import { CheckpointWriter, readCheckpoint } from './checkpoint-file.ts';
import { startSubscription, toDelivered } from './file-subscription.ts';
import { encodeBatch, isJsonText, type StoredRecord } from './record-codec.ts';
import { TopicFile } from './topic-file.ts';
import { acquireDirLock } from './dir-lock.ts';
import { NAME, topicNames } from './log-layout.ts';
import { checkpointRefusal, judgeCheckpoints, readCheckpoints } from './checkpoint-check.ts';
import type { FileLogFault } from './file-log-fault.ts';

export interface FileEventLogOptions {
  dir: string;
  /** Warnings: torn tails cut, handler failures, checkpoint write failures. */
  log?: (msg: string) => void;
  /** Crash tests only (composed by test/support/faulty-embedded.main.ts): see file-log-fault.ts. */
  fault?: FileLogFault;
}

const DEFAULT_MAX_BATCH = 500;
const READ_ALL_BATCH = 500;

export async function createFileEventLog(options: FileEventLogOptions): Promise<EventLog> {
  const log = options.log ?? ((msg: string) => console.warn(msg));
  const topicsDir = join(options.dir, 'topics');
  const checkpointsDir = join(options.dir, 'checkpoints');
  await mkdir(topicsDir, { recursive: true });
  await mkdir(checkpointsDir, { recursive: true });
  const unlock = await acquireDirLock(options.dir);

  const topics = new Map<string, Promise<TopicFile>>();
  const openTopic = (name: string) => TopicFile.open(name, join(topicsDir, `${name}.log`), { log, fault: options.fault });
  for (const name of topicNames(await readdir(topicsDir))) topics.set(name, openTopic(name));
  const opened = await Promise.allSettled(topics.values());
  const failed = opened.find((r) => r.status === 'rejected');
  const files = new Map(opened.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.name, r.value] as const] : [])));
  const badCheckpoint = failed ? undefined : await readCheckpoints(checkpointsDir)
    .then((found) => judgeCheckpoints(found, (t) => files.get(t)?.length ?? 0).find((c) => c.state !== 'within'));
  if (failed || badCheckpoint) {
    await Promise.all([...files.values()].map((f) => f.close()));
    await unlock();
    throw failed ? failed.reason : new Error(checkpointRefusal(badCheckpoint!));
  }

  const subscriptions = new Map<string, Subscription>();
  let closed = false;

  function topic(name: string): Promise<TopicFile> {
    if (closed) return Promise.reject(new Error('event log is closed'));
    checkName('topic', name);
    let t = topics.get(name);
    if (!t) {
      t = openTopic(name);
      t.catch(() => topics.delete(name));
      topics.set(name, t);
    }
    return t;
  }

  async function appendStored(name: string, records: StoredRecord[], json: boolean[]): Promise<void> {
    if (records.length === 0) return;
    await (await topic(name)).append(encodeBatch(records, json), records);
  }

  const eventLog: EventLog = {
    async append(name: string, records: readonly LogRecord[]): Promise<void> {
      const stored = records.map((r, i) => {
        const raw = JSON.stringify(r.value) as string | undefined;
        if (raw === undefined) throw new TypeError(`event log: record #${i} for ${name} has no JSON value`);
        return { key: r.key, raw };
      });
      await appendStored(name, stored, stored.map(() => true));
    },

    async appendRaw(name: string, records: readonly RawLogRecord[]): Promise<void> {
      await appendStored(name, records.map((r) => ({ key: r.key, raw: r.raw })), records.map((r) => isJsonText(r.raw)));
    },

    async subscribe(o: SubscribeOptions): Promise<Subscription> {
      checkName('group', o.group);
      const maxBatch = o.maxBatch ?? DEFAULT_MAX_BATCH;
      if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`event log: maxBatch must be a positive integer, got ${maxBatch}`);
      if (o.fromBeginning && o.fromEnd) throw new Error('event log: fromBeginning and fromEnd exclude each other');
      const id = `${o.group}@${o.topic}`;
      if (subscriptions.has(id)) throw new Error(`event log: group ${o.group} already has an active subscription to ${o.topic} in this process`);
      subscriptions.set(id, { close: async () => undefined, lag: async () => undefined, partitionLag: async () => undefined }); // holds the slot while the topic and checkpoint load
      try {
        const t = await topic(o.topic);
        const path = join(checkpointsDir, `${id}.json`);
        const stored = o.fromBeginning || o.fromEnd ? undefined : await readCheckpoint(path);
        if (stored !== undefined && stored > t.length) {
          throw new Error(checkpointRefusal({ group: o.group, topic: o.topic, path, nextOffset: stored, topicRecords: t.length, state: 'beyond' }));
        }
        if (closed) throw new Error('event log is closed');
        const start = o.fromBeginning ? 0 : o.fromEnd ? t.length : (stored ?? 0);
        const sub = startSubscription({
          topic: t, group: o.group, start, maxBatch, handler: o.handler, checkpoint: new CheckpointWriter(path, log), log,
          onClosed: () => subscriptions.delete(id),
          write: (name, records) => eventLog.append(name, records),
          onPartitionsAssigned: o.onPartitionsAssigned,
          onPartitionsRevoked: o.onPartitionsRevoked,
        });
        subscriptions.set(id, sub);
        return sub;
      } catch (error) {
        subscriptions.delete(id);
        throw error;
      }
    },

    async approximateSize(name: string): Promise<number> {
      checkName('topic', name);
      const t = topics.get(name);
      return t ? (await t).length : 0;
    },

    async readPartition(name: string, partition: number, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void> {
      if (partition !== 0) throw new RangeError(`event log: the embedded log has one partition (0), not ${partition}`);
      await eventLog.readAll(name, onBatch);
    },

    async lastRecord(name: string, partition: number): Promise<DeliveredRecord | undefined> {
      if (partition !== 0) throw new RangeError(`event log: the embedded log has one partition (0), not ${partition}`);
      checkName('topic', name);
      if (closed) throw new Error('event log is closed');
      const t = topics.get(name);
      const file = t ? await t : undefined;
      if (!file || file.length === 0) return undefined;
      return toDelivered(name, [file.records[file.length - 1]], file.length - 1)[0];
    },

    async readAll(name: string, onBatch: (records: DeliveredRecord[]) => Promise<void> | void): Promise<void> {
      checkName('topic', name);
      if (closed) throw new Error('event log is closed');
      const t = topics.get(name);
      if (!t) return;
      const file = await t;
      const end = file.length;
      for (let from = 0; from < end; from += READ_ALL_BATCH) {
        const to = Math.min(end, from + READ_ALL_BATCH);
        await onBatch(toDelivered(name, file.records.slice(from, to), from));
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions.values()].map((s) => s.close()));
      const files = await Promise.allSettled(topics.values());
      await Promise.all(files.map((f) => (f.status === 'fulfilled' ? f.value.close() : undefined)));
      await unlock();
    },
  };
  return eventLog;
}

function checkName(what: 'topic' | 'group', name: string): void {
  if (!NAME.test(name)) throw new Error(`event log: invalid ${what} name ${JSON.stringify(name)} (allowed: letters, digits, '.', '_', '-')`);
}
