// The checkpoint keys `countersign audit verify` trusts: a JWK Set the auditor pins (--keys), or
// the public halves found beside the log (a bundle's keys/jwks.json, a data directory's key file),
// which prove only that the log agrees with itself: whoever could rewrite the log could rewrite them.
import { readFile } from 'node:fs/promises';
import { describeErrors, importCheckpointJwks, parseStrictJson, RECORD_LIMITS, type CheckpointKeys } from '@countersign/contracts';
import { UsageError } from './cli-errors.ts';

/** Printed when the keys come from the same place as the log. */
export const UNPINNED_KEYS = 'note: the checkpoint keys come from the same place as the log; pin the published keys with --keys JWKS_FILE (GET /.well-known/jwks.json) to trust no one who can write there';

/** A JWK Set file (`--keys`). */
export async function keysFromJwksFile(path: string, what = '--keys'): Promise<CheckpointKeys> {
  return importJwks(await readJson(path, what), `${what} ${path}`);
}

export async function importJwks(raw: unknown, where: string): Promise<CheckpointKeys> {
  const keys = await importCheckpointJwks(raw).catch((error: Error) => {
    throw new UsageError(`${where}: ${error.message}`);
  });
  if (keys.size === 0) throw new UsageError(`${where}: holds no checkpoint key (a JWK with notBefore)`);
  return keys;
}

/**
 * The public halves of a checkpoint key file (`{ "keys": [{ kid, createdAt, retiredAt?, privateJwk }] }`,
 * the grant key file's form): a key is valid from createdAt until retiredAt. The private halves are
 * never read further than their public `x`.
 */
export async function keysFromKeyFile(path: string): Promise<CheckpointKeys> {
  const raw = await readJson(path, 'checkpoint key file');
  const list = (raw as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new UsageError(`checkpoint key file ${path}: /keys must be an array`);
  const jwks = list.map((entry, i) => {
    const e = (entry ?? {}) as { kid?: unknown; createdAt?: unknown; retiredAt?: unknown; privateJwk?: { x?: unknown } };
    const notBefore = iso(e.createdAt);
    const notAfter = e.retiredAt === undefined ? undefined : iso(e.retiredAt);
    if (!notBefore || (e.retiredAt !== undefined && !notAfter)) throw new UsageError(`checkpoint key file ${path}: /keys/${i}/createdAt and retiredAt must be ISO-8601 times`);
    return { kty: 'OKP', crv: 'Ed25519', x: e.privateJwk?.x, kid: e.kid, alg: 'EdDSA', use: 'sig', notBefore, ...(notAfter ? { notAfter } : {}) };
  });
  return importJwks({ keys: jwks }, `checkpoint key file ${path}`);
}

async function readJson(path: string, what: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`${what} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseKeysJson(bytes, `${what} ${path}`);
}

export function parseKeysJson(bytes: Uint8Array, where: string): unknown {
  const parsed = parseStrictJson(bytes, RECORD_LIMITS);
  if (!parsed.ok) throw new UsageError(`${where}: not JSON within limits (${describeErrors(parsed.errors)})`);
  return parsed.value;
}

/** The spelling a checkpoint JWK's window uses (toISOString), or undefined. */
function iso(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
