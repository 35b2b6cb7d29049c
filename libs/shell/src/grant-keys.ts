import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnvConfig } from '@countersign/config';
import { importGrantKeys, newGrantKeyFile, type GrantKeys } from '@countersign/runtime';
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || config.grantKeysPath) throw new Error(`${VARIABLE}: cannot read ${path} (${code ?? (error as Error).message})`);
    text = await createKeyFile(path, now);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${VARIABLE}: ${path} is not JSON (a grant key file: { "keys": [...] })`);
  }
  return importGrantKeys(raw).catch((error: Error) => {
    throw new Error(`${VARIABLE}: ${path}: ${error.message}`);
  });
}

/** The embedded default's first start: a new key file, readable by this user only, never overwritten. */
async function createKeyFile(path: string, now: Date): Promise<string> {
  const text = `${JSON.stringify(await newGrantKeyFile(now), null, 2)}\n`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return text;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw new Error(`${VARIABLE}: cannot create ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
