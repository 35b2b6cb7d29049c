import { importJWK, type CryptoKey, type JWK } from 'jose';
import { newSigningKey, type GrantKeyEntry, type GrantKeyFile } from './grant-keys.ts';

/** Injection token of the CheckpointKeySet the process was started with (null: none loaded). */
export const CHECKPOINT_KEYS = Symbol('CHECKPOINT_KEYS');

/**
 * The checkpoint key file (ADR 0007), in the grant key file's form: every key with its private
 * half, newest last; the one without `retiredAt` signs. Unlike grant keys, retired checkpoint keys
 * are never dropped: a checkpoint stays verifiable for as long as the log is kept.
 */
export type CheckpointKeyFile = GrantKeyFile;
export type CheckpointKeyEntry = GrantKeyEntry;

export interface CheckpointPublicKey {
  kid: string;
  /** base64url of the Ed25519 public key. */
  x: string;
  publicKey: CryptoKey;
  /** Validity: [notBefore, notAfter), ISO-8601 UTC with milliseconds. */
  notBefore: string;
  notAfter?: string;
}

/** The keys checkpoints are signed with and published under, imported once at start. */
export interface CheckpointKeySet {
  signer: { kid: string; privateKey: CryptoKey };
  keys: readonly CheckpointPublicKey[];
}

export function newCheckpointKey(now: Date): Promise<CheckpointKeyEntry> {
  return newSigningKey('checkpoint', now);
}

export async function newCheckpointKeyFile(now: Date): Promise<CheckpointKeyFile> {
  return { keys: [await newCheckpointKey(now)] };
}

/** The file after a rotation: the signing key retired now, a new one added; nothing dropped. */
export async function rotateCheckpointKeyFile(file: CheckpointKeyFile, now: Date): Promise<CheckpointKeyFile> {
  const kept = file.keys.map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() }));
  return { keys: [...kept, await newCheckpointKey(now)] };
}

const MAX_KEYS = 1000;
const KID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Checks and imports a checkpoint key file. Throws one line naming the JSON pointer at fault;
 * never shows key material. Exactly one key signs; a key's window must not be empty.
 */
export async function importCheckpointKeys(raw: unknown): Promise<CheckpointKeySet> {
  const fail = (pointer: string, detail: string) => new Error(`${pointer} ${detail}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Array.isArray((raw as CheckpointKeyFile).keys)) {
    throw fail('/keys', 'must be an array of keys ({ "keys": [{ "kid", "createdAt", "privateJwk" }] })');
  }
  const entries = (raw as CheckpointKeyFile).keys;
  if (entries.length === 0 || entries.length > MAX_KEYS) throw fail('/keys', `must hold 1 to ${MAX_KEYS} keys`);
  const keys: CheckpointPublicKey[] = [];
  let signer: CheckpointKeySet['signer'] | undefined;
  for (const [i, entry] of entries.entries()) {
    const at = `/keys/${i}`;
    if (entry === null || typeof entry !== 'object') throw fail(at, 'must be an object');
    if (typeof entry.kid !== 'string' || !KID.test(entry.kid)) throw fail(`${at}/kid`, 'must be 1-100 letters, digits, ".", "_" or "-"');
    if (keys.some((k) => k.kid === entry.kid)) throw fail(`${at}/kid`, `repeats ${entry.kid}`);
    const notBefore = isoMs(entry.createdAt);
    if (!notBefore) throw fail(`${at}/createdAt`, 'must be an ISO-8601 time');
    const notAfter = entry.retiredAt === undefined ? undefined : isoMs(entry.retiredAt);
    if (entry.retiredAt !== undefined && !notAfter) throw fail(`${at}/retiredAt`, 'must be an ISO-8601 time');
    if (notAfter !== undefined && notAfter <= notBefore) throw fail(`${at}/retiredAt`, 'must be after createdAt');
    const jwk = entry.privateJwk as JWK | undefined;
    if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
      throw fail(`${at}/privateJwk`, 'must be an Ed25519 private key as a JWK (kty OKP, crv Ed25519, x, d)');
    }
    const [privateKey, publicKey] = await Promise.all([
      importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, 'EdDSA'),
      importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA'),
    ]).catch(() => {
      throw fail(`${at}/privateJwk`, 'is not a valid Ed25519 key');
    });
    keys.push({ kid: entry.kid, x: jwk.x, publicKey: publicKey as CryptoKey, notBefore, ...(notAfter ? { notAfter } : {}) });
    if (!notAfter) {
      if (signer) throw fail(`${at}/retiredAt`, `is missing: only one key may sign, and ${signer.kid} does (rotate with \`countersign checkpoint-keys rotate\`)`);
      signer = { kid: entry.kid, privateKey: privateKey as CryptoKey };
    }
  }
  if (!signer) throw fail('/keys', 'has no signing key: every key is retired (rotate with `countersign checkpoint-keys rotate`)');
  return { signer, keys };
}

/** The one spelling a checkpoint's `at` and a JWK's window use (toISOString), or undefined. */
function isoMs(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
