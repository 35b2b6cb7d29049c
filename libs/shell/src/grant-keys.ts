import { join } from 'node:path';
import type { EnvConfig } from '@countersign/config';
import { importGrantKeys, newGrantKeyFile, type GrantKeys } from '@countersign/runtime';
import { readOrCreateKeyFile } from './key-file.ts';
import type { ServiceName } from './services.ts';

const VARIABLE = 'COUNTERSIGN_GRANT_KEYS';

/**
 * The keys the gateway signs grants with (approval receipts, issue 11), read once at start. On the
 * embedded file log with no file named, the data directory holds them, made on the first start;
 * on Kafka every gateway replica must sign with the same keys, so the operator names the file.
 * Throws one line naming the variable, the file and the field at fault; never prints key material.
 */
export async function loadGrantKeys(config: EnvConfig, services: readonly ServiceName[], now = new Date()): Promise<GrantKeys | undefined> {
  if (!services.includes('gateway')) return undefined;
  if (!config.grantKeysPath && config.kafkaBrokers) {
    throw new Error(`${VARIABLE}: must be set for the gateway on Kafka (the path of the grant key file every gateway replica shares; make one with \`countersign grant-keys generate --out FILE\`)`);
  }
  const path = config.grantKeysPath ?? join(config.dataDir, 'grant-keys.json');
  const raw = await readOrCreateKeyFile({ variable: VARIABLE, what: 'a grant key file', path, named: Boolean(config.grantKeysPath), create: () => newGrantKeyFile(now) });
  return importGrantKeys(raw).catch((error: Error) => {
    throw new Error(`${VARIABLE}: ${path}: ${error.message}`);
  });
}
