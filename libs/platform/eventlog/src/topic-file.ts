/**
 * One topic of the embedded log: an append-only file plus every record in memory. Appends are
 * group-committed: while one write + fdatasync is in flight, new appends queue up and all of them
 * go out in the next single write + fdatasync. Records become visible to readers only once
 * durable, so nothing is ever delivered that a crash could take back.
 */
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredRecord } from './record-codec.ts';
import { scanTopicFile } from './topic-scan.ts';
import { fsyncDir } from './fs-durability.ts';

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
  ) {
    this.records = records;
  }

  /** Opens (creating if needed) and recovers the file: a torn tail is truncated away. */
  static async open(name: string, path: string, log: (msg: string) => void): Promise<TopicFile> {
    const existed = await stat(path).then(() => true, () => false);
    let records: StoredRecord[] = [];
    if (existed) {
      const scan = await scanTopicFile(path);
      if (scan.tail) {
        log(`event log: ${path}: truncating ${scan.tail.bytes} damaged byte(s) after record #${scan.records.length} ` +
          `(${scan.tail.problem}); an unacknowledged write was torn by a crash`);
        await truncate(path, scan.validBytes);
      }
      records = scan.records;
    }
    const handle = await open(path, 'a');
    try {
      await handle.datasync(); // makes a truncation durable before anything is appended after it
      if (!existed) await fsyncDir(dirname(path));
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new TopicFile(name, handle, records);
  }

  get length(): number {
    return this.records.length;
  }

  /** `text` holds the encoded lines of `records`; resolves once they are on disk. */
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
    await this.handle.close();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.writeFully(Buffer.from(batch.map((p) => p.text).join(''), 'utf8'));
        await this.handle.datasync();
        this.flushCount += 1;
      } catch (error) {
        // After a failed write or fsync the file's state is unknown (fsyncgate): refuse all
        // further appends rather than acknowledge records after a possible hole.
        this.failure = new Error(`event log: topic ${this.name} failed to write and is now read-only: ${String(error)}`, { cause: error });
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failure);
        return;
      }
      for (const p of batch) for (const r of p.records) this.records.push(r);
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
