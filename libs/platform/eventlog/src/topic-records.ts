/**
 * A topic file's records in order, streamed in bounded memory, without opening the log (no lock,
 * nothing written): for readers of a data directory that may be in use or copied, such as
 * `countersign audit verify`. Only records of complete append batches are given, as opening the
 * log would keep them; a torn tail is left out. Damage (a line that is not a record) stops the
 * read with an error naming the record and byte: `countersign log check` says more.
 */
import { open } from 'node:fs/promises';
import { decodeLine, type StoredRecord } from './record-codec.ts';

const NEWLINE = 0x0a;
const CHUNK = 1024 * 1024;

/** Yields each complete batch's records. Throws on a missing file (ENOENT) and on damage. */
export async function* readTopicRecords(path: string): AsyncGenerator<StoredRecord[]> {
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let pending: StoredRecord[] = [];
    let records = 0;
    let byte = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        const decoded = decodeLine(data.subarray(start, nl));
        if ('problem' in decoded) throw new Error(`${path}: record ${records + pending.length} (byte ${byte}) is damaged: ${decoded.problem}`);
        pending.push(decoded.record);
        byte += nl + 1 - start;
        start = nl + 1;
        if (decoded.endsBatch) {
          records += pending.length;
          yield pending;
          pending = [];
        }
      }
      data = data.subarray(start);
      // Copied: `chunk` is reused by the next read.
      carry = Buffer.from(data);
    }
  } finally {
    await handle.close();
  }
}
