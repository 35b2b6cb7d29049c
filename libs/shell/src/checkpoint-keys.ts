import { join } from 'node:path';
import type { EnvConfig } from '@countersign/config';
import { importCheckpointKeys, newCheckpointKeyFile, type CheckpointKeySet } from '@countersign/runtime';
import { readOrCreateKeyFile } from './key-file.ts';
import type { ServiceName } from './services.ts';

const VARIABLE = 'COUNTERSIGN_CHECKPOINT_KEYS';

/**
 * The keys checkpoints are signed with (ADR 0007), read once at start by the processes that use
 * them: the audit projector signs, the gateway publishes the public halves at its JWKS. On the
 * embedded file log with no file named, the data directory holds them, made on the first start;
 * on Kafka the operator names the file both processes share. One line on error, no key material.
 */
export async function loadCheckpointKeys(config: EnvConfig, services: readonly ServiceName[], now = new Date()): Promise<CheckpointKeySet | undefined> {
  const users = services.filter((s) => s === 'audit-projector' || s === 'gateway');
  if (users.length === 0) return undefined;
  if (!config.checkpointKeysPath && config.kafkaBrokers) {
    throw new Error(`${VARIABLE}: must be set for the ${users.join(' and ')} on Kafka (the path of the checkpoint key file the audit projectors sign with and the gateways publish; make one with \`countersign checkpoint-keys generate --out FILE\`)`);
  }
  const path = config.checkpointKeysPath ?? join(config.dataDir, 'checkpoint-keys.json');
  const raw = await readOrCreateKeyFile({ variable: VARIABLE, what: 'a checkpoint key file', path, named: Boolean(config.checkpointKeysPath), create: () => newCheckpointKeyFile(now) });
  return importCheckpointKeys(raw).catch((error: Error) => {
    throw new Error(`${VARIABLE}: ${path}: ${error.message}`);
  });
}
