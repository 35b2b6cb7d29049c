/**
 * What opening a file log directory would do, found without changing anything: per topic the
 * records, batches, acknowledged length, a torn tail that would be cut or damage that would be
 * refused, and every checkpoint against its topic. Backs `countersign log check`.
 *
 * Read-only and lock-free: files are opened for reading, the LOCK is only read (to say whether a
 * process is using the directory), so a running process is never blocked. On a live directory the
 * result is a snapshot: checkpoints and acknowledged lengths are read before the topic files (both
 * only grow, so neither can look ahead of its topic), and an append in flight can show as a torn
 * tail. The verdicts are the log's own (topic-verdict.ts), so the check and the log always agree.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acknowledgedPath, readAcknowledged } from './acknowledged-file.ts';
import { isAlive } from './dir-lock.ts';
import { topicNames } from './log-layout.ts';
import { judgeCheckpoints, readCheckpoints, type CheckpointState } from './checkpoint-check.ts';
import { scanTopicFile } from './topic-scan.ts';
import { assessTopic, type Acknowledged, type TopicVerdict } from './topic-verdict.ts';

export interface TopicReport {
  topic: string;
  path: string;
  /** Absent when the topic has an acknowledged length but no file. */
  fileBytes?: number;
  /** Records and batches of complete batches (before any damage; what a cut keeps). */
  records: number;
  batches: number;
  acknowledged?: Acknowledged;
  verdict: TopicVerdict;
}

export interface LogReport {
  dir: string;
  /** The pid in LOCK, and whether that process is alive (then the report is a snapshot). */
  lock?: { pid: number | undefined; live: boolean };
  topics: TopicReport[];
  checkpoints: CheckpointState[];
  /** refused: the log would not open; torn-tail: it would open after cutting; clean: as it is. */
  state: 'clean' | 'torn-tail' | 'refused';
}

/** `dir` is the log directory (the one holding `topics/` and `checkpoints/`). */
export async function inspectLog(dir: string): Promise<LogReport> {
  const topicsDir = join(dir, 'topics');
  const entries = await readdir(topicsDir); // a missing directory is an error for the caller to report
  const checkpoints = await readCheckpoints(join(dir, 'checkpoints'));
  const names = topicNames(entries);
  const topics: TopicReport[] = [];
  for (const topic of names) topics.push(await inspectTopic(topic, join(topicsDir, `${topic}.log`), entries.includes(`${topic}.log`)));
  const kept = new Map(topics.map((t) => [t.topic, t.records]));
  const judged = judgeCheckpoints(checkpoints, (t) => kept.get(t) ?? 0);
  const lock = await readLock(join(dir, 'LOCK'));
  const refused = topics.some((t) => t.verdict.state === 'refused') || judged.some((c) => c.state !== 'within');
  const torn = topics.some((t) => t.verdict.state === 'torn-tail');
  return { dir, ...(lock ? { lock } : {}), topics, checkpoints: judged, state: refused ? 'refused' : torn ? 'torn-tail' : 'clean' };
}

async function inspectTopic(topic: string, path: string, exists: boolean): Promise<TopicReport> {
  const read = await readAcknowledged(acknowledgedPath(path));
  if (read && 'malformed' in read) return { topic, path, records: 0, batches: 0, verdict: { state: 'refused', problem: { record: 0, byte: 0, reason: read.malformed } } };
  const acknowledged = read;
  const base = { topic, path, ...(acknowledged ? { acknowledged } : {}) };
  if (!exists) {
    const verdict: TopicVerdict = acknowledged && acknowledged.bytes > 0
      ? { state: 'refused', problem: { record: 0, byte: 0, reason: `the file is missing but ${acknowledged.bytes} bytes (${acknowledged.records} records) were acknowledged` } }
      : { state: 'clean' };
    return { ...base, records: 0, batches: 0, verdict };
  }
  const scan = await scanTopicFile(path, { keepRecords: false, probeBytes: acknowledged?.bytes });
  const verdict = assessTopic(scan, acknowledged);
  return { ...base, fileBytes: scan.fileBytes, records: scan.recordCount, batches: scan.batches, verdict };
}

async function readLock(path: string): Promise<LogReport['lock']> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = /^\d{1,10}\n?$/.test(text) ? Number.parseInt(text, 10) : undefined;
  return { pid, live: pid !== undefined && isAlive(pid) };
}
