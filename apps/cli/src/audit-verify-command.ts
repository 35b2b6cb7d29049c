// `countersign audit verify [PATH]`: chooses where the log is read from and which keys are
// trusted, runs the offline verifier (verifyEvidence) and prints its verdict. Exit statuses:
// audit-verify-output.ts.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readEnvConfig } from '@countersign/config';
import type { CheckpointKeys } from '@countersign/contracts';
import { UsageError } from './cli-errors.ts';
import { dataDirKeys, findFileLog, verifyDataDir } from './audit-verify-datadir.ts';
import { keysFromJwksFile, keysFromKeyFile, UNPINNED_KEYS } from './audit-verify-keys.ts';
import { failed, VERIFY_EXIT, verifyJson, verifyText, type VerifyReport } from './audit-verify-output.ts';

export async function runAuditVerify(path: string | undefined, options: { keys?: string; json?: boolean }): Promise<void> {
  const pinned = options.keys === undefined ? undefined : await keysFromJwksFile(options.keys);
  const report = await verifySource(path, pinned);
  process.stdout.write(options.json ? verifyJson(report) : verifyText(report));
  process.exitCode = failed(report) ? VERIFY_EXIT.failed : VERIFY_EXIT.verified;
}

async function verifySource(path: string | undefined, pinned: CheckpointKeys | undefined): Promise<VerifyReport> {
  const unpinned = () => {
    process.stderr.write(`${UNPINNED_KEYS}\n`);
  };
  if (path === undefined) return verifyConfigured(pinned, unpinned);
  const kind = await stat(path).then((s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other'), (error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read it (${error.code ?? error.message})`);
  });
  if (kind === 'file') {
    const { verifyBundle } = await import('./audit-verify-bundle.ts');
    return verifyBundle(path, pinned, unpinned);
  }
  const log = kind === 'dir' ? findFileLog(path) : undefined;
  if (!log) throw new UsageError(`${path}: neither a data directory (with log/topics/) nor an evidence bundle (.tar.gz)`);
  const keys = pinned ?? (await dataDirKeys(log));
  if (!pinned) unpinned();
  return { source: path, verdict: await verifyDataDir(log, keys) };
}

/** Without PATH: the system the COUNTERSIGN_* variables configure, as the services would read it. */
async function verifyConfigured(pinned: CheckpointKeys | undefined, unpinned: () => void): Promise<VerifyReport> {
  const config = readEnvConfig(process.env);
  if (config.kafkaBrokers) {
    const keyFile = config.checkpointKeysPath;
    if (!pinned && !keyFile) throw new UsageError('on Kafka, give the published checkpoint keys with --keys JWKS_FILE (or set COUNTERSIGN_CHECKPOINT_KEYS)');
    const keys = pinned ?? (await keysFromKeyFile(keyFile!));
    if (!pinned) unpinned();
    const { verifyKafka } = await import('./audit-verify-kafka.ts');
    return { source: `kafka ${config.kafkaBrokers.join(',')}${config.kafkaNamespace ? ` (namespace ${config.kafkaNamespace})` : ''}`, verdict: await verifyKafka(config, keys) };
  }
  const log = findFileLog(config.dataDir);
  if (!log) throw new UsageError(`no file log in ${config.dataDir} (COUNTERSIGN_DATA_DIR): give a data directory or a bundle as PATH`);
  const keys = pinned ?? (await dataDirKeys(log, config.checkpointKeysPath ?? join(config.dataDir, 'checkpoint-keys.json')));
  if (!pinned) unpinned();
  return { source: config.dataDir, verdict: await verifyDataDir(log, keys) };
}
