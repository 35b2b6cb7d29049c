/**
 * How far a topic was acknowledged, in `topics/<topic>.ack`: `{"bytes":B,"records":R}`, the
 * length of the topic file and its record count after the last group commit whose fdatasync
 * finished. Written after that fdatasync, coalesced (one write in flight, always the latest), so
 * it adds no latency to appends; it trails the true end by the writes of the last moments before a
 * crash, and is exact after a clean close or an idle moment. At open, damage before it is refused.
 */
import { readFile } from 'node:fs/promises';
import { LatestFileWriter } from './latest-file-writer.ts';
import type { Acknowledged } from './topic-verdict.ts';

export const ACK_SUFFIX = '.ack';

export function acknowledgedPath(topicPath: string): string {
  return topicPath.replace(/\.log$/, ACK_SUFFIX);
}

/**
 * The stored length, undefined when none was recorded, or why the file is malformed (the log then
 * refuses to open: it cannot tell what was acknowledged).
 */
export async function readAcknowledged(path: string): Promise<Acknowledged | undefined | { malformed: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseAcknowledged(text) ?? { malformed: `${path} is malformed (expected {"bytes":B,"records":R}, got ${JSON.stringify(text.slice(0, 100))})` };
}

function parseAcknowledged(text: string): Acknowledged | undefined {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return undefined;
  const { bytes, records, ...rest } = content as Record<string, unknown>;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  return whole(bytes) && whole(records) && Object.keys(rest).length === 0 && records <= bytes ? { bytes, records } : undefined;
}

export function acknowledgedWriter(path: string, saved: Acknowledged | undefined, log: (msg: string) => void): LatestFileWriter<Acknowledged> {
  return new LatestFileWriter(path, (a) => JSON.stringify({ bytes: a.bytes, records: a.records }), log, 0, saved);
}
