// `countersign audit verify DIR`: a file log's data directory, read from its topic files without
// opening the log (no lock, nothing written; a copy or a stopped server's directory), streamed.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TOPICS, verifyEvidence, type CheckpointKeys, type EventEnvelope, type LogVerdict } from '@countersign/contracts';
import { readTopicRecords } from '@countersign/eventlog';
import { UsageError } from './cli-errors.ts';
import { keysFromKeyFile } from './audit-verify-keys.ts';

export interface DataDirLog {
  /** The log directory: the one holding `topics/`. */
  logDir: string;
  /** Where the data directory's own checkpoint key file would be. */
  keyFile: string;
}

/** The data directory holds the log in `log/`; the log directory itself is accepted too. */
export function findFileLog(dir: string): DataDirLog | undefined {
  if (existsSync(join(dir, 'log', 'topics'))) return { logDir: join(dir, 'log'), keyFile: join(dir, 'checkpoint-keys.json') };
  if (existsSync(join(dir, 'topics'))) return { logDir: dir, keyFile: join(dirname(dir), 'checkpoint-keys.json') };
  return undefined;
}

export async function dataDirKeys(log: DataDirLog, keyFile = log.keyFile): Promise<CheckpointKeys> {
  if (!existsSync(keyFile)) throw new UsageError(`no checkpoint key file at ${keyFile}: give the published keys with --keys JWKS_FILE`);
  return keysFromKeyFile(keyFile);
}

export async function verifyDataDir(log: DataDirLog, keys: CheckpointKeys): Promise<LogVerdict> {
  return verifyEvidence({
    checkpoints: topicValues(join(log.logDir, 'topics', `${TOPICS.checkpoints}.log`)),
    events: topicValues(join(log.logDir, 'topics', `${TOPICS.events}.log`)),
    keys,
    scope: 'complete',
  });
}

/**
 * Every record's value of a topic file, parsed (a value that is not JSON is given as its text, for
 * the verifier to name). A topic never written has no file: it holds nothing.
 */
async function* topicValues(path: string): AsyncGenerator<EventEnvelope> {
  if (!existsSync(path)) return;
  try {
    for await (const batch of readTopicRecords(path)) {
      for (const r of batch) yield parse(r.raw) as EventEnvelope;
    }
  } catch (error) {
    throw new UsageError(`cannot read the log: ${(error as Error).message} (\`countersign log check\` says more)`);
  }
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
