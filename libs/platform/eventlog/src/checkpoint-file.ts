/**
 * A consumer group's position in a topic: the next offset to deliver, in
 * `checkpoints/<group>@<topic>.json`. Saves are coalesced (see latest-file-writer.ts): losing one
 * in a crash only means redelivery, which handlers tolerate (at-least-once).
 */
import { readFile } from 'node:fs/promises';
import { LatestFileWriter } from './latest-file-writer.ts';
import { writeFileAtomic } from './fs-durability.ts';

interface CheckpointContent {
  nextOffset: number;
}

/** The stored next offset, or undefined when the group has none yet; throws when it is malformed. */
export async function readCheckpoint(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const nextOffset = parseCheckpoint(text);
  if (nextOffset === undefined) throw new Error(`event log: checkpoint ${path} is malformed (expected {"nextOffset": <a whole number>}, got ${JSON.stringify(text.slice(0, 100))})`);
  return nextOffset;
}

export function parseCheckpoint(text: string): number | undefined {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return undefined;
  }
  const nextOffset = (content as Partial<CheckpointContent> | null)?.nextOffset;
  return typeof content === 'object' && !Array.isArray(content) && Number.isSafeInteger(nextOffset) && (nextOffset as number) >= 0 ? nextOffset : undefined;
}

/** `<group>@<topic>.json` → its group and topic (names never contain `@`). */
export function checkpointName(file: string): { group: string; topic: string } | undefined {
  const m = /^([A-Za-z0-9._-]{1,200})@([A-Za-z0-9._-]{1,200})\.json$/.exec(file);
  return m ? { group: m[1], topic: m[2] } : undefined;
}

export class CheckpointWriter {
  private readonly writer: LatestFileWriter<number>;

  constructor(path: string, log: (msg: string) => void, minIntervalMs = 5) {
    const save = (nextOffset: number) => writeFileAtomic(path, JSON.stringify({ nextOffset } satisfies CheckpointContent));
    this.writer = new LatestFileWriter(path, save, log, minIntervalMs);
  }

  set(nextOffset: number): void {
    this.writer.set(nextOffset);
  }

  /** Saves the latest position now; rejects if it cannot be saved. */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
