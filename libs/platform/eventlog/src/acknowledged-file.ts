/**
 * How far a topic was acknowledged, in `topics/<topic>.ack`: the length of the topic file and its
 * record count after the last group commit whose fdatasync finished. It is written after that
 * fdatasync, off the append path and coalesced (one write in flight, always the latest), so it
 * adds no latency to appends; it trails the true end by the appends of the last moments before a
 * crash, and is exact after a clean close or an idle moment. At open, damage before it is refused.
 *
 * The file is one 64-byte line, `{"bytes":B,"records":R,"crc":C}` padded with spaces, overwritten
 * in place and fdatasync'ed: cheaper than a rename per update (no directory fsync), and a write
 * this small within one sector is atomic on disks (PostgreSQL relies on the same for pg_control).
 * `crc` (CRC-32 of `B:R`) catches a torn or damaged write anyway: the log then refuses to open.
 */
import { constants } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDir } from './fs-durability.ts';
import { LatestFileWriter } from './latest-file-writer.ts';
import type { Acknowledged } from './topic-verdict.ts';

export const ACK_SUFFIX = '.ack';
const SIZE = 64;
/** At most one write per this many ms: bounds the fsyncs it adds under load (measured in bench/filelog). */
const MIN_INTERVAL_MS = 5;

export function acknowledgedPath(topicPath: string): string {
  return topicPath.replace(/\.log$/, ACK_SUFFIX);
}

export function encodeAcknowledged(a: Acknowledged): string {
  return `${JSON.stringify({ bytes: a.bytes, records: a.records, crc: sum(a) })}`.padEnd(SIZE - 1) + '\n';
}

function sum(a: Acknowledged): number {
  return crc32(`${a.bytes}:${a.records}`);
}

/**
 * The stored length; undefined when none was recorded (no file, or an empty one); or why the file
 * is malformed (the log then refuses to open: it cannot tell what was acknowledged). A malformed
 * read is tried once more, in case it met a write in progress (`log check` on a running log).
 */
export async function readAcknowledged(path: string): Promise<Acknowledged | undefined | { malformed: string }> {
  let text = '';
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      text = await readFile(path, 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // Created but never written: a crash between creating the topic and its first length.
    if (text.length === 0) return undefined;
    const value = parseAcknowledged(text);
    if (value) return value;
  }
  return { malformed: `${path} is malformed (expected {"bytes":B,"records":R,"crc":C}, got ${JSON.stringify(text.slice(0, 100))})` };
}

export function parseAcknowledged(text: string): Acknowledged | undefined {
  if (text.length !== SIZE || !text.endsWith('\n')) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return undefined;
  const { bytes, records, crc, ...rest } = content as Record<string, unknown>;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!whole(bytes) || !whole(records) || Object.keys(rest).length > 0 || records > bytes) return undefined;
  return crc === sum({ bytes, records }) ? { bytes, records } : undefined;
}

/** The open `.ack` file of a topic, and its coalesced writer. */
export class AcknowledgedFile {
  readonly writer: LatestFileWriter<Acknowledged>;

  private constructor(private readonly handle: FileHandle, path: string, saved: Acknowledged | undefined, log: (msg: string) => void) {
    this.writer = new LatestFileWriter(path, (a) => this.save(a), log, MIN_INTERVAL_MS, saved);
  }

  /** Opens (creating durably if needed) without truncating: writes overwrite the line in place. */
  static async open(path: string, saved: Acknowledged | undefined, log: (msg: string) => void): Promise<AcknowledgedFile> {
    const existed = await stat(path).then(() => true, () => false);
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    if (!existed) await fsyncDir(dirname(path)).catch(async (error: unknown) => (await handle.close(), Promise.reject(error)));
    return new AcknowledgedFile(handle, path, saved, log);
  }

  /** Saves the latest length, then closes the file; a failed save is logged by the writer. */
  async close(): Promise<void> {
    await this.writer.flush().catch(() => undefined);
    await this.handle.close();
  }

  private async save(a: Acknowledged): Promise<void> {
    await this.handle.write(Buffer.from(encodeAcknowledged(a), 'latin1'), 0, SIZE, 0);
    await this.handle.datasync();
  }
}
