import { TOPICS, describeErrors, validateEvent, type ActionEvent } from '@countersign/contracts';
import type { EventLog, LogRecord } from '@countersign/eventlog';
import { escapeForLog } from '@countersign/telemetry';
import { decodeHead } from './stream-head.ts';
import type { HeadRecord, StreamTable } from './stream-table.ts';

export interface Loaded {
  /** `heads`: read from the heads topic; `events`: replayed, and the heads written. */
  from: 'heads' | 'events';
  streams: number;
  /** Why the events were replayed. */
  reason?: string;
  events?: number;
}

/** Heads written after a replay go out in appends of at most this many bytes (a record batch each). */
const HEADS_CHUNK_BYTES = 512 * 1024;

/**
 * Loads the streams of one partition into the table: from the heads topic when its heads cover the
 * events partition, else by replaying the events (as before heads existed) and writing the heads.
 *
 * "Cover" is checked on the last event of the partition: its stream's head must be at that seq,
 * with that hash. Heads are written after (file log) or with (Kafka transaction) their events, and
 * after a replay the head of that last event's stream is written last, so a partition whose heads
 * are missing (written by an older router: the upgrade), partly written (a crash between the events
 * and the heads append on the file log, or during the writing below), or behind events an older
 * router appended since, always fails the check; so does any head record that is not one.
 * Reading the heads costs time in proportion to the actions of the partition, not to its events.
 */
export async function loadPartition(log: EventLog, table: StreamTable, partition: number, warn: (msg: string) => void): Promise<Loaded> {
  table.dropPartitions([partition]);
  // A malformed head counts only while no later head of its stream replaces it (the file log keeps both).
  const malformed = new Map<string, string>();
  let streams = 0;
  await log.readPartition(TOPICS.heads, partition, (records) => {
    for (const record of records) {
      const decoded = decodeHead(record.value);
      if (!decoded.ok) {
        malformed.set(record.key, `the head at ${partition}/${record.offset} is malformed: ${decoded.error}`);
        continue;
      }
      malformed.delete(record.key);
      if (table.headOf(record.key) === undefined) streams += 1;
      table.load(record.key, decoded.head, partition);
    }
  });
  const last = await log.lastRecord(TOPICS.events, partition);
  const reason = malformed.values().next().value ?? uncovered(table, last?.value, streams);
  if (reason === undefined) return { from: 'heads', streams };

  table.dropPartitions([partition]);
  let events = 0;
  let lastEvent: ActionEvent | undefined;
  await log.readPartition(TOPICS.events, partition, (records) => {
    for (const record of records) {
      const check = validateEvent(record.value);
      if (!check.ok) {
        warn(`skipping invalid event at ${partition}/${record.offset} while replaying: ${escapeForLog(describeErrors(check.errors))}`);
        continue;
      }
      const problem = table.apply(check.value, partition);
      if (problem) warn(`stream ${escapeForLog(check.value.streamId)} is inconsistent at seq ${check.value.seq}: ${escapeForLog(problem)}`);
      else {
        events += 1;
        lastEvent = check.value;
      }
    }
  });
  const heads = table.settleReplayed(partition);
  await writeHeads(log, lastLast(heads, lastEvent?.streamId));
  return { from: 'events', streams: heads.length, reason, events };
}

/** Why the heads do not cover the partition's last event, or undefined when they do. */
function uncovered(table: StreamTable, value: unknown, heads: number): string | undefined {
  if (value === undefined) return undefined; // no events: nothing to cover
  const check = validateEvent(value);
  if (!check.ok) return `its last event is invalid (${describeErrors(check.errors)})`;
  const { streamId, seq, hash } = check.value;
  if (heads === 0) return 'it has events but no stream heads (written by a router without heads)';
  const head = table.headOf(streamId);
  if (!head) return `its last event (${escapeForLog(streamId)} seq ${seq}) has no head`;
  if (head.seq !== seq || head.hash !== hash) return `its last event is ${escapeForLog(streamId)} seq ${seq} but the head says seq ${head.seq}`;
  return undefined;
}

/** The heads with that of `streamId` (the last event's stream) moved to the end. */
function lastLast(heads: HeadRecord[], streamId: string | undefined): HeadRecord[] {
  const at = heads.findIndex((h) => h.key === streamId);
  return at < 0 ? heads : [...heads.slice(0, at), ...heads.slice(at + 1), heads[at]];
}

/** Appends heads in order, in chunks small enough for one record batch each. */
async function writeHeads(log: EventLog, heads: readonly LogRecord[]): Promise<void> {
  let chunk: LogRecord[] = [];
  let bytes = 0;
  for (const head of heads) {
    const size = JSON.stringify(head.value).length + head.key.length;
    if (chunk.length > 0 && bytes + size > HEADS_CHUNK_BYTES) {
      await log.append(TOPICS.heads, chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(head);
    bytes += size;
  }
  if (chunk.length > 0) await log.append(TOPICS.heads, chunk);
}
