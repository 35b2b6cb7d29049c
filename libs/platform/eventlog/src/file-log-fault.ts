/**
 * Fault injection for the crash tests, never set in production: an option of the file log that
 * only a test composition passes (test/support/faulty-embedded.main.ts); no variable reaches it.
 *
 * `torn-append` stands for a power loss in the middle of a write. The first group commit holding
 * an append of more than one record writes the appends before it, that append's first record and
 * half of its second, then kills the process (SIGKILL) before any fdatasync. Nothing of that
 * append was acknowledged; at the next start the torn batch must be cut whole.
 */
import type { FileHandle } from 'node:fs/promises';

export type FileLogFault = 'torn-append';

export const FILE_LOG_FAULTS: readonly FileLogFault[] = ['torn-append'];

export async function tearAndDie(handle: FileHandle, appends: readonly { text: string; records: readonly unknown[] }[]): Promise<never> {
  const at = appends.findIndex((p) => p.records.length > 1);
  const text = appends[at].text;
  const firstEnd = text.indexOf('\n') + 1;
  const secondEnd = text.indexOf('\n', firstEnd) + 1;
  const torn = appends.slice(0, at).map((p) => p.text).join('') + text.slice(0, firstEnd + Math.floor((secondEnd - firstEnd) / 2));
  await handle.write(Buffer.from(torn, 'utf8'));
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => undefined);
}
