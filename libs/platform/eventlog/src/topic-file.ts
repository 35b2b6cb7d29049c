/**
 * One topic of the embedded log: an append-only file plus every record in memory. Appends are
 * group-committed: while one write + fdatasync is in flight, new appends queue up and all of them
 * go out in the next single write + fdatasync. Records become visible to readers only once
 * durable, so nothing is ever delivered that a crash could take back. After each fdatasync the
 * acknowledged length (acknowledged-file.ts) follows, off the append path.
 */
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredRecord } from './record-codec.ts';
import { scanTopicFile } from './topic-scan.ts';
import { fsyncDir } from './fs-durability.ts';
import { AcknowledgedFile, acknowledgedPath, readAcknowledged } from './acknowledged-file.ts';
import { assessTopic, refusalMessage, tornTailMessage, type Acknowledged } from './topic-verdict.ts';
import { tearAndDie, type FileLogFault } from './file-log-fault.ts';

interface PendingAppend {
  text: string;
  records: StoredRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A promise plus the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface TopicFileOptions {
  log: (msg: string) => void;
  /** Tests only: see file-log-fault.ts. */
  fault?: FileLogFault;
}

export class TopicFile {
  readonly records: StoredRecord[];
  private queue: PendingAppend[] = [];
  private draining: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  private growth = signal();
  /** How many write + fdatasync rounds ran: with group commit, far fewer than appends. */
  flushCount = 0;

  private constructor(
    readonly name: string,
    private readonly handle: FileHandle,
    records: StoredRecord[],
    private bytes: number,
    private readonly acknowledged: AcknowledgedFile,
    private readonly fault: FileLogFault | undefined,
  ) {
    this.records = records;
  }

  /**
   * Opens (creating if needed) and recovers the file: a torn tail after the acknowledged length is
   * cut, with a warning; any other damage refuses the open and changes nothing on disk.
   */
  static async open(name: string, path: string, options: TopicFileOptions): Promise<TopicFile> {
    const ackPath = acknowledgedPath(path);
    const read = await readAcknowledged(ackPath);
    if (read && 'malformed' in read) throw new Error(refusalMessage(path, { record: 0, byte: 0, reason: read.malformed }));
    const stored = read;
    const existed = await stat(path).then(() => true, () => false);
    let records: StoredRecord[] = [];
    let bytes = 0;
    if (existed) {
      const scan = await scanTopicFile(path, { keepRecords: true, probeBytes: stored?.bytes });
      const verdict = assessTopic(scan, stored);
      if (verdict.state === 'refused') throw new Error(refusalMessage(path, verdict.problem));
      if (verdict.state === 'torn-tail') {
        options.log(tornTailMessage(path, verdict.cut, stored));
        await truncate(path, scan.completeBytes);
      }
      records = scan.records;
      bytes = scan.completeBytes;
    } else if (stored && stored.bytes > 0) {
      throw new Error(refusalMessage(path, { record: 0, byte: 0, reason: `the file is missing but ${stored.bytes} bytes (${stored.records} records) were acknowledged` }));
    }
    const handle = await open(path, 'a');
    let acknowledged: AcknowledgedFile | undefined;
    try {
      await handle.datasync(); // makes a truncation durable before anything is appended after it
      if (!existed) await fsyncDir(dirname(path));
      // Every complete batch kept may have been acknowledged before the crash: from now on it is.
      const now: Acknowledged = { bytes, records: records.length };
      const unchanged = stored?.bytes === now.bytes && stored.records === now.records;
      acknowledged = await AcknowledgedFile.open(ackPath, unchanged ? now : stored, options.log);
      acknowledged.writer.set(now);
      await acknowledged.writer.flush();
      return new TopicFile(name, handle, records, bytes, acknowledged, options.fault);
    } catch (error) {
      await acknowledged?.close();
      await handle.close();
      throw error;
    }
  }

  get length(): number {
    return this.records.length;
  }

  /** `text` holds the encoded lines of `records` (one batch); resolves once they are on disk. */
  append(text: string, records: StoredRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`event log: topic ${this.name} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text, records, resolve, reject });
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    });
  }

  /** Resolves as soon as the topic holds more than `length` records. */
  whenLongerThan(length: number): Promise<void> {
    return this.records.length > length ? Promise.resolve() : this.growth.promise;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    await this.acknowledged.close(); // a failed save is logged; the next open recovers
    await this.handle.close();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const buf = Buffer.from(batch.map((p) => p.text).join(''), 'utf8');
      try {
        if (this.fault === 'torn-append' && batch.some((p) => p.records.length > 1)) await tearAndDie(this.handle, batch);
        await this.writeFully(buf);
        await this.handle.datasync();
        this.flushCount += 1;
      } catch (error) {
        // After a failed write or fsync the file's state is unknown (fsyncgate): refuse all
        // further appends rather than acknowledge records after a possible hole.
        this.failure = new Error(`event log: topic ${this.name} failed to write and is now read-only: ${String(error)}`, { cause: error });
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failure);
        return;
      }
      this.bytes += buf.length;
      for (const p of batch) for (const r of p.records) this.records.push(r);
      this.acknowledged.writer.set({ bytes: this.bytes, records: this.records.length });
      const grown = this.growth;
      this.growth = signal();
      grown.resolve();
      for (const p of batch) p.resolve();
    }
  }

  private async writeFully(buf: Buffer): Promise<void> {
    for (let offset = 0; offset < buf.length; ) {
      const { bytesWritten } = await this.handle.write(buf, offset, buf.length - offset);
      offset += bytesWritten;
    }
  }
}
