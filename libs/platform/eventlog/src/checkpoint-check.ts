/**
 * Every consumer position in `checkpoints/` against the topics it points into. A position past the
 * end of its topic means records that group had handled are gone (the topic was cut, replaced or
 * restored without its checkpoints): the log refuses to open rather than let the group skip or
 * repeat history. Shared by the log at open and by `countersign log check`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointName, parseCheckpoint } from './checkpoint-file.ts';

export interface CheckpointState {
  group: string;
  topic: string;
  path: string;
  /** Undefined when the file is malformed. */
  nextOffset?: number;
  /** How many records the topic holds (0 when it has no file). */
  topicRecords: number;
  state: 'within' | 'beyond' | 'malformed';
}

/** Reads every `<group>@<topic>.json` (other names are not checkpoints and are left alone). */
export async function readCheckpoints(dir: string): Promise<Array<{ group: string; topic: string; path: string; nextOffset?: number }>> {
  const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  const found = [];
  for (const file of files.sort()) {
    const name = checkpointName(file);
    if (!name) continue;
    const path = join(dir, file);
    const nextOffset = parseCheckpoint(await readFile(path, 'utf8').catch(() => ''));
    found.push({ ...name, path, ...(nextOffset !== undefined ? { nextOffset } : {}) });
  }
  return found;
}

export function judgeCheckpoints(
  checkpoints: Awaited<ReturnType<typeof readCheckpoints>>,
  topicRecords: (topic: string) => number,
): CheckpointState[] {
  return checkpoints.map((c) => {
    const records = topicRecords(c.topic);
    const state = c.nextOffset === undefined ? 'malformed' : c.nextOffset > records ? 'beyond' : 'within';
    return { ...c, topicRecords: records, state };
  });
}

/** The one line a bad checkpoint refuses the log with. */
export function checkpointRefusal(c: CheckpointState): string {
  const what = c.state === 'malformed'
    ? `checkpoint ${c.path} is malformed (expected {"nextOffset": <a whole number>})`
    : `checkpoint ${c.path} says group ${c.group} has handled ${c.nextOffset} records of ${c.topic}, but the topic holds ${c.topicRecords}: ` +
      'records that group had handled are missing (a topic cut, replaced or restored without its checkpoints)';
  return `event log: refusing to open: ${what}; nothing was changed. Run \`countersign log check\` on the data directory, ` +
    'then restore it from a backup, topics and checkpoints together (docs/operations.md, "When the log is refused")';
}
