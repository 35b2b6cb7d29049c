/**
 * Checkpoint public keys as a JWK Set (RFC 7517), published at `/.well-known/jwks.json` beside the
 * grant keys and put in every evidence bundle. A checkpoint key carries its validity window as two
 * extra members, `notBefore` and `notAfter` (ISO-8601 UTC): a checkpoint verifies only under a key
 * that was valid at its signed `at`, so a retired or leaked key cannot sign into the past unseen.
 */
import { importJWK, type KeyObject } from 'jose';
import type { CheckpointKey, CheckpointKeys } from './checkpoint.ts';

export interface CheckpointJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  notBefore: string;
  notAfter?: string;
}

const KID = /^[A-Za-z0-9._:-]{1,128}$/;
const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;
const MAX_KEYS = 1000;

/** The published form of one checkpoint key. */
export function checkpointJwk(key: { kid: string; x: string; notBefore: string; notAfter?: string }): CheckpointJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: key.x, kid: key.kid, alg: 'EdDSA', use: 'sig', notBefore: key.notBefore, ...(key.notAfter ? { notAfter: key.notAfter } : {}) };
}

/**
 * The checkpoint keys of a JWK Set: the members with `notBefore` (grant keys in the same set have
 * none and are skipped). Throws one line naming the JSON pointer at fault.
 */
export async function importCheckpointJwks(raw: unknown): Promise<CheckpointKeys> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Array.isArray((raw as { keys?: unknown }).keys)) {
    throw new Error('/keys must be an array (a JWK Set: { "keys": [...] })');
  }
  const list = (raw as { keys: unknown[] }).keys;
  if (list.length > MAX_KEYS) throw new Error(`/keys holds more than ${MAX_KEYS} keys`);
  const keys = new Map<string, CheckpointKey>();
  for (const [i, k] of list.entries()) {
    const at = `/keys/${i}`;
    if (k === null || typeof k !== 'object' || Array.isArray(k)) throw new Error(`${at} must be an object`);
    const jwk = k as Record<string, unknown>;
    if (jwk.notBefore === undefined) continue;
    if (typeof jwk.kid !== 'string' || !KID.test(jwk.kid)) throw new Error(`${at}/kid must be 1-128 letters, digits, ".", "_", ":" or "-"`);
    if (keys.has(jwk.kid)) throw new Error(`${at}/kid repeats ${jwk.kid}`);
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !B64URL_32.test(jwk.x)) throw new Error(`${at} must be an Ed25519 public key (kty OKP, crv Ed25519, x)`);
    if (jwk.d !== undefined) throw new Error(`${at}/d is a private key: publish only public keys`);
    if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') throw new Error(`${at}/alg must be EdDSA`);
    if (!isIsoUtc(jwk.notBefore)) throw new Error(`${at}/notBefore must be an ISO-8601 UTC time like 2026-01-01T00:00:00.000Z`);
    if (jwk.notAfter !== undefined && (!isIsoUtc(jwk.notAfter) || jwk.notAfter <= jwk.notBefore)) throw new Error(`${at}/notAfter must be an ISO-8601 UTC time after notBefore`);
    const publicKey = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA').catch(() => {
      throw new Error(`${at} is not a valid Ed25519 key`);
    })) as KeyObject;
    keys.set(jwk.kid, { publicKey, notBefore: jwk.notBefore, ...(typeof jwk.notAfter === 'string' ? { notAfter: jwk.notAfter } : {}) });
  }
  return keys;
}

function isIsoUtc(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
}
