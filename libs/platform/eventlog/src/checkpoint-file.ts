/**
 * A consumer group's position in a topic: the next offset to deliver, in
 * `checkpoints/<group>@<topic>.json`. Under load positions advance far faster than files can be
 * fsync'ed, so saves are coalesced: one write in flight, at most one per `minIntervalMs`, always
 * the latest position; `flush()` forces the latest one out (subscription close). Losing a save in a
 * crash only means redelivery, which handlers tolerate (at-least-once).
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './fs-durability.ts';

interface CheckpointContent {
  nextOffset: number;
}

/** The stored next offset, or undefined when the group has none yet. */
export async function readCheckpoint(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const content = JSON.parse(text) as Partial<CheckpointContent>;
  if (!Number.isSafeInteger(content.nextOffset) || (content.nextOffset as number) < 0) {
    throw new Error(`event log: checkpoint ${path} is malformed: ${text}`);
  }
  return content.nextOffset;
}

export class CheckpointWriter {
  private desired: number | undefined;
  private saved: number | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStart = 0;

  constructor(
    private readonly path: string,
    private readonly log: (msg: string) => void,
    private readonly minIntervalMs = 5,
  ) {}

  set(nextOffset: number): void {
    this.desired = nextOffset;
    this.schedule();
  }

  /** Saves the latest position now; rejects if it cannot be saved. */
  async flush(): Promise<void> {
    while (this.desired !== this.saved) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.writing) await this.writing; // a background write: failures are retried below
      else await this.startWrite(true);
    }
  }

  private schedule(): void {
    if (this.writing || this.timer || this.desired === this.saved) return;
    const wait = this.lastStart + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.startWrite().catch(() => undefined);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWrite().catch(() => undefined);
    }, wait);
  }

  /** Background writes log failures and wait for the next `set`; a flush's write rethrows. */
  private startWrite(rethrow = false): Promise<void> {
    const target = this.desired as number;
    this.lastStart = Date.now();
    const write = writeFileAtomic(this.path, JSON.stringify({ nextOffset: target } satisfies CheckpointContent))
      .then(() => {
        this.saved = target;
        this.writing = undefined;
        this.schedule();
      })
      .catch((error: unknown) => {
        this.writing = undefined;
        this.log(`event log: could not save checkpoint ${this.path}: ${String(error)}`);
        if (rethrow) throw error;
      });
    this.writing = write;
    return write;
  }
}
