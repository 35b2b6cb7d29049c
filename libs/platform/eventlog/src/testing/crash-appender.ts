/**
 * Child process for the kill -9 durability tests: appends records forever from several concurrent
 * writers (so group commit is exercised) and prints each acknowledged record number on stdout,
 * one per line. The test SIGKILLs it mid-stream, then checks every printed number is in the log.
 * With the `torn-append` fault the log tears its first multi-record append and kills the process.
 * Usage: node --import tsx crash-appender.ts <dir> <topic> [torn-append]
 */
import { createFileEventLog } from '../file-event-log.ts';
import { crashRecord } from './crash-record.ts';

async function main(dir: string, topic: string, fault: string | undefined): Promise<void> {
  const log = await createFileEventLog({ dir, log: (msg) => process.stderr.write(`${msg}\n`), ...(fault === 'torn-append' ? { fault } : {}) });
  let next = 0;
  const writer = async () => {
    for (;;) {
      // Batches of 1 to 3 records, so some writes hold several lines.
      const first = next;
      const size = 1 + (first % 3);
      next += size;
      const batch = Array.from({ length: size }, (_, i) => crashRecord(first + i, [first, size]));
      await log.append(topic, batch);
      process.stdout.write(batch.map((r) => `${r.value.n}\n`).join(''));
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

const [dir, topic, fault] = process.argv.slice(2);
main(dir, topic, fault).catch((error: unknown) => {
  process.stderr.write(`crash-appender: ${String(error)}\n`);
  process.exit(1);
});
