import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** Injection token of the GrantKeys the gateway was started with. */
export const GRANT_KEYS = Symbol('GRANT_KEYS');

/** The longest a grant may live (a rule's `grantTtl` is at most 1d): how long a retired key still verifies. */
export const GRANT_KEY_OVERLAP_MS = 86_400_000;

/**
 * The grant key file, as the operator keeps it (JSON): every key with its private half, newest
 * last. The one without `retiredAt` signs; retired keys still verify grants for a day after they
 * were retired, so a rotation never invalidates a grant issued before it.
 */
export interface GrantKeyFile {
  keys: GrantKeyEntry[];
}

export interface GrantKeyEntry {
  kid: string;
  createdAt: string;
  retiredAt?: string;
  /** An Ed25519 private key as a JWK (`kty: OKP`, `crv: Ed25519`, `x`, `d`). */
  privateJwk: JWK;
}

export interface VerifyKey {
  kid: string;
  publicKey: CryptoKey;
  publicJwk: JWK;
  retiredAt?: Date;
}

/** The keys grants are signed and verified with, imported once at start. */
export interface GrantKeys {
  signer: { kid: string; privateKey: CryptoKey };
  verifyKeys: ReadonlyMap<string, VerifyKey>;
}

/** A key id: its creation date and the start of its RFC 7638 thumbprint, so ids never collide. */
async function kidOf(prefix: string, publicJwk: JWK, createdAt: Date): Promise<string> {
  const thumbprint = (await calculateJwkThumbprint(publicJwk)).slice(0, 12).replace(/[^A-Za-z0-9]/g, '0');
  return `${prefix}-${createdAt.toISOString().slice(0, 10).replace(/-/g, '')}-${thumbprint}`;
}

/** A new Ed25519 key in the key file's form; `prefix` says what it signs (`grant`, `checkpoint`). */
export async function newSigningKey(prefix: string, now: Date): Promise<GrantKeyEntry> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const privateJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d };
  return { kid: await kidOf(prefix, { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, now), createdAt: now.toISOString(), privateJwk };
}

export function newGrantKey(now: Date): Promise<GrantKeyEntry> {
  return newSigningKey('grant', now);
}

/** A new key file with one key. */
export async function newGrantKeyFile(now: Date): Promise<GrantKeyFile> {
  return { keys: [await newGrantKey(now)] };
}

/** The file after a rotation: the signing key retired now, a new one added; keys retired over a day ago dropped. */
export async function rotateGrantKeyFile(file: GrantKeyFile, now: Date): Promise<GrantKeyFile> {
  const kept = file.keys
    .filter((k) => !k.retiredAt || now.getTime() - Date.parse(k.retiredAt) < GRANT_KEY_OVERLAP_MS)
    .map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() }));
  return { keys: [...kept, await newGrantKey(now)] };
}

/**
 * Checks and imports a key file. Throws one line naming the JSON pointer at fault; never shows key
 * material. Exactly one key signs (no `retiredAt`).
 */
export async function importGrantKeys(raw: unknown): Promise<GrantKeys> {
  const fail = (pointer: string, detail: string) => new Error(`${pointer} ${detail}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Array.isArray((raw as GrantKeyFile).keys)) {
    throw fail('/keys', 'must be an array of keys ({ "keys": [{ "kid", "createdAt", "privateJwk" }] })');
  }
  const entries = (raw as GrantKeyFile).keys;
  if (entries.length === 0 || entries.length > 100) throw fail('/keys', 'must hold 1 to 100 keys');
  const verifyKeys = new Map<string, VerifyKey>();
  let signer: GrantKeys['signer'] | undefined;
  for (const [i, entry] of entries.entries()) {
    const at = `/keys/${i}`;
    if (entry === null || typeof entry !== 'object') throw fail(at, 'must be an object');
    if (typeof entry.kid !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(entry.kid)) throw fail(`${at}/kid`, 'must be 1-100 letters, digits, ".", "_" or "-"');
    if (verifyKeys.has(entry.kid)) throw fail(`${at}/kid`, `repeats ${entry.kid}`);
    if (typeof entry.createdAt !== 'string' || Number.isNaN(Date.parse(entry.createdAt))) throw fail(`${at}/createdAt`, 'must be an ISO-8601 time');
    if (entry.retiredAt !== undefined && (typeof entry.retiredAt !== 'string' || Number.isNaN(Date.parse(entry.retiredAt)))) throw fail(`${at}/retiredAt`, 'must be an ISO-8601 time');
    const jwk = entry.privateJwk;
    if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
      throw fail(`${at}/privateJwk`, 'must be an Ed25519 private key as a JWK (kty OKP, crv Ed25519, x, d)');
    }
    const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    const [privateKey, publicKey] = await Promise.all([
      importJWK({ ...publicJwk, d: jwk.d }, 'EdDSA'),
      importJWK(publicJwk, 'EdDSA'),
    ]).catch(() => {
      throw fail(`${at}/privateJwk`, 'is not a valid Ed25519 key');
    });
    verifyKeys.set(entry.kid, { kid: entry.kid, publicKey: publicKey as CryptoKey, publicJwk, ...(entry.retiredAt ? { retiredAt: new Date(entry.retiredAt) } : {}) });
    if (!entry.retiredAt) {
      if (signer) throw fail(`${at}/retiredAt`, `is missing: only one key may sign, and ${signer.kid} does (rotate with \`countersign grant-keys rotate\`)`);
      signer = { kid: entry.kid, privateKey: privateKey as CryptoKey };
    }
  }
  if (!signer) throw fail('/keys', 'has no signing key: every key is retired (rotate with `countersign grant-keys rotate`)');
  return { signer, verifyKeys };
}

/** Whether a key still verifies at `now`: the signing key always, a retired one for a day after. */
export function keyInUse(key: VerifyKey, now: Date): boolean {
  return !key.retiredAt || now.getTime() - key.retiredAt.getTime() < GRANT_KEY_OVERLAP_MS;
}

/** The public keys for `/.well-known/jwks.json`: those that still verify. */
export function grantJwks(keys: GrantKeys, now: Date): { keys: JWK[] } {
  return {
    keys: [...keys.verifyKeys.values()].filter((k) => keyInUse(k, now)).map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'EdDSA', use: 'sig' })),
  };
}
