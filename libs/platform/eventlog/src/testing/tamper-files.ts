/**
 * Test helpers that rewrite a stopped file log's topic as an attacker with write access to the
 * data directory would: records re-encoded with valid checksums, the acknowledged length set to the
 * new file, and consumer positions beyond the new end pulled back, so that the log's own open
 * checks pass and only verification can tell.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acknowledgedPath, encodeAcknowledged } from '../acknowledged-file.ts';
import { parseCheckpoint } from '../checkpoint-file.ts';
import { encodeRecord, isJsonText, type StoredRecord } from '../record-codec.ts';
import { readTopicRecords } from '../topic-records.ts';

export type { StoredRecord };

/** Every record of a topic file (`logDir` holds `topics/`), or none when it has no file. */
export async function readTopicFile(logDir: string, topic: string): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  try {
    for await (const batch of readTopicRecords(join(logDir, 'topics', `${topic}.log`))) records.push(...batch);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return records;
}

/** Replaces a topic's records (each its own batch), its acknowledged length and positions beyond its end. */
export async function rewriteTopicFile(logDir: string, topic: string, records: readonly StoredRecord[]): Promise<void> {
  const path = join(logDir, 'topics', `${topic}.log`);
  const text = records.map((r) => encodeRecord(r, isJsonText(r.raw))).join('');
  await writeFile(path, text);
  await writeFile(acknowledgedPath(path), encodeAcknowledged({ bytes: Buffer.byteLength(text), records: records.length }));
  const positions = join(logDir, 'checkpoints');
  for (const file of await readdir(positions).catch(() => [] as string[])) {
    if (!file.endsWith(`@${topic}.json`)) continue;
    const next = parseCheckpoint(await readFile(join(positions, file), 'utf8'));
    if (next !== undefined && next > records.length) await writeFile(join(positions, file), JSON.stringify({ nextOffset: records.length }));
  }
}
