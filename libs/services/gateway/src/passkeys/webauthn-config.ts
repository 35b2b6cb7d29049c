import { createHash, webcrypto } from 'node:crypto';
import type { GrantKeys } from '@countersign/runtime';
import { parseSessionDuration, rawPublicUrl } from '../session/sso-config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Where passkeys are used (the relying party), and the key that makes challenges unforgeable. */
export interface WebAuthnConfig {
  /** The public URL's host name (COUNTERSIGN_PUBLIC_URL, else localhost). */
  rpID: string;
  /** The public URL's origin: what browsers put in `clientDataJSON.origin`. */
  origin: string;
  rpName: string;
  /** How long a step-up or registration challenge is valid. */
  challengeTtlMs: number;
}

export const WEBAUTHN_CONFIG = Symbol('WEBAUTHN_CONFIG');
export const STEP_UP_SECRET = Symbol('STEP_UP_SECRET');

/**
 * Read once at start: COUNTERSIGN_PUBLIC_URL (default `http://localhost:<PORT>`), as the shared
 * contract says; COUNTERSIGN_STEP_UP_TTL, how long a challenge is valid (default 2m, 5s to 10m).
 */
export function readWebAuthnConfig(env: Env): WebAuthnConfig {
  const raw = rawPublicUrl(env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`COUNTERSIGN_PUBLIC_URL: must be the gateway's http(s):// URL (got ${JSON.stringify(raw.slice(0, 200))})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('COUNTERSIGN_PUBLIC_URL: must be an http:// or https:// URL');
  const ttl = env.COUNTERSIGN_STEP_UP_TTL?.trim() || '2m';
  const challengeTtlMs = parseSessionDuration(ttl, 5_000, 600_000);
  if (challengeTtlMs === undefined) throw new Error(`COUNTERSIGN_STEP_UP_TTL: must be a duration from 5s to 10m such as 90s or 2m (got ${JSON.stringify(ttl.slice(0, 40))})`);
  return { rpID: url.hostname, origin: url.origin, rpName: 'Countersign', challengeTtlMs };
}

/**
 * The challenges' HMAC key, derived from the grant signing key every gateway replica already
 * shares (ADR 0009): Ed25519 signatures are deterministic, so signing a fixed label gives every
 * replica the same secret, which nobody without the private key can compute. The embedded default
 * makes that key file on its first start; on Kafka it is required config already
 * (COUNTERSIGN_GRANT_KEYS). A key rotation invalidates only challenges still outstanding (minutes).
 */
export async function deriveStepUpSecret(keys: GrantKeys): Promise<Uint8Array> {
  const label = new TextEncoder().encode('countersign step-up challenge key v1');
  const signature = await webcrypto.subtle.sign({ name: 'Ed25519' }, keys.signer.privateKey, label);
  return new Uint8Array(createHash('sha256').update('countersign.step-up.secret').update(new Uint8Array(signature)).digest());
}
