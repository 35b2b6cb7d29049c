/**
 * Reads a topic file line by line and says what is in it, changing nothing: the records of complete
 * append batches, what follows the last complete batch (the tail: records of a batch whose end
 * never reached the disk, and an incomplete last line), and the first damage (a complete line that
 * is not a record, or a complete record whose line end was damaged). Whether the tail may be cut
 * or the file must be refused depends on the acknowledged length: see topic-verdict.ts.
 *
 * `TopicScanner` is pure (bytes in, a scan out) so that it can be fuzzed; `scanTopicFile` feeds it
 * a file. It never throws on content, whatever the bytes.
 */
import { open } from 'node:fs/promises';
import { decodeLine, type StoredRecord } from './record-codec.ts';

export interface ScanDamage {
  /** The offset the damaged record has (or would have). */
  record: number;
  byte: number;
  reason: string;
}

export interface TopicScan {
  /** The records of complete batches, in order (empty unless `keepRecords`). */
  records: StoredRecord[];
  /** How many records complete batches hold. */
  recordCount: number;
  batches: number;
  /** The byte after the last complete batch. */
  completeBytes: number;
  fileBytes: number;
  /**
   * What follows the last complete batch, when there is no damage: `records` complete records of
   * a batch whose end is missing, then `partialLine` bytes of a line without its newline.
   */
  tail?: { records: number; bytes: number; partialLine: number };
  damage?: ScanDamage;
  /** Where byte `probeBytes` falls, once the scan reached it: after how many records, and where. */
  probe?: ProbePoint;
}

export interface ProbePoint {
  /** Records wholly before the probe. */
  records: number;
  at: 'batch-end' | 'record-end' | 'inside-record';
}

export interface ScanOptions {
  keepRecords: boolean;
  /** A byte position to check: the acknowledged length. */
  probeBytes?: number;
}

const NEWLINE = 0x0a;
const CHUNK = 8 * 1024 * 1024;

export class TopicScanner {
  private readonly records: StoredRecord[] = [];
  private recordCount = 0;
  private batches = 0;
  private completeBytes = 0;
  private pending: StoredRecord[] = [];
  private damage: ScanDamage | undefined;
  private probe: ProbePoint | undefined;
  /** The bytes of the line being read, and the file position where it starts. */
  private carry: Buffer[] = [];
  private carryLength = 0;
  private lineStart = 0;

  constructor(private readonly options: ScanOptions) {
    if (options.probeBytes === 0) this.probe = { records: 0, at: 'batch-end' };
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      const part = buf.subarray(start, nl);
      const line = this.carryLength > 0 ? Buffer.concat([...this.carry, part]) : part;
      this.carry = [];
      this.carryLength = 0;
      if (!this.damage) this.line(line);
      this.lineStart += line.length + 1;
      start = nl + 1;
    }
    if (start < buf.length) {
      this.carry.push(Buffer.from(buf.subarray(start))); // copied: the caller may reuse its buffer
      this.carryLength += buf.length - start;
    }
  }

  finish(): TopicScan {
    const fileBytes = this.lineStart + this.carryLength;
    if (!this.damage && this.carryLength > 0) {
      const last = Buffer.concat(this.carry);
      // A crash tears a write into a prefix: after a complete record comes its newline. A complete
      // record followed by another byte instead is damage, not a torn write.
      if ('record' in decodeLine(last.subarray(0, -1))) {
        const found = last[last.length - 1].toString(16).padStart(2, '0');
        this.damage = { record: this.recordCount + this.pending.length, byte: this.lineStart, reason: `complete record with a damaged line end (0x${found} where its newline belongs)` };
      }
    }
    const scan: TopicScan = {
      records: this.records, recordCount: this.recordCount, batches: this.batches, completeBytes: this.completeBytes, fileBytes,
      ...(this.probe ? { probe: this.probe } : {}),
    };
    if (this.damage) return { ...scan, damage: this.damage };
    if (fileBytes > this.completeBytes) {
      return { ...scan, tail: { records: this.pending.length, bytes: fileBytes - this.completeBytes, partialLine: this.carryLength } };
    }
    return scan;
  }

  private line(line: Buffer): void {
    const decoded = decodeLine(line);
    if ('problem' in decoded) {
      this.damage = { record: this.recordCount + this.pending.length, byte: this.lineStart, reason: decoded.problem };
      return;
    }
    this.pending.push(decoded.record);
    const end = this.lineStart + line.length + 1;
    const probe = this.options.probeBytes;
    if (probe !== undefined && !this.probe && probe > this.lineStart && probe <= end) {
      const before = this.recordCount + this.pending.length - (probe < end ? 1 : 0);
      this.probe = { records: before, at: probe < end ? 'inside-record' : decoded.endsBatch ? 'batch-end' : 'record-end' };
    }
    if (!decoded.endsBatch) return;
    this.recordCount += this.pending.length;
    if (this.options.keepRecords) for (const r of this.pending) this.records.push(r);
    this.pending = [];
    this.batches += 1;
    this.completeBytes = end;
  }
}

export async function scanTopicFile(path: string, options: ScanOptions): Promise<TopicScan> {
  const handle = await open(path, 'r');
  const scanner = new TopicScanner(options);
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      scanner.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return scanner.finish();
}
