/**
 * Reads a topic file at open. A crash mid-write can leave only the tail damaged (an incomplete
 * line, garbage or zeros after the last good record): that part was never acknowledged, so it is
 * reported for truncation. A bad record followed by good ones is real corruption of acknowledged
 * data: the scan refuses, rather than silently dropping records.
 */
import { open } from 'node:fs/promises';
import { decodeRecord, type StoredRecord } from './record-codec.ts';

export interface TopicScan {
  records: StoredRecord[];
  /** Bytes up to the end of the last good record. */
  validBytes: number;
  /** The damaged tail, when there is one. */
  tail?: { bytes: number; problem: string };
}

const CHUNK = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

export async function scanTopicFile(path: string): Promise<TopicScan> {
  const handle = await open(path, 'r');
  const records: StoredRecord[] = [];
  let validBytes = 0;
  let firstBad: { offset: number; index: number; problem: string } | undefined;
  let carry = Buffer.alloc(0);
  let carryOffset = 0; // file offset of carry[0]
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
        const decoded = decodeRecord(buf.toString('utf8', start, nl));
        const offset = carryOffset + start;
        if ('problem' in decoded) {
          firstBad ??= { offset, index: records.length, problem: decoded.problem };
        } else if (firstBad) {
          throw new Error(
            `event log ${path}: record #${firstBad.index} at byte ${firstBad.offset} is corrupt (${firstBad.problem}) ` +
              `but valid records follow it (at byte ${offset}); refusing to open so that acknowledged data is not dropped. ` +
              `Restore the file from a backup, or move it aside to start the topic again.`,
          );
        } else {
          records.push(decoded);
          validBytes = carryOffset + nl + 1;
        }
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      carryOffset += start;
    }
  } finally {
    await handle.close();
  }
  const end = carryOffset + carry.length;
  if (end === validBytes) return { records, validBytes };
  const problem = firstBad?.problem ?? 'incomplete last record';
  return { records, validBytes, tail: { bytes: end - validBytes, problem } };
}
