import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stateless, unforgeable WebAuthn challenges (docs/step-up.md): the challenge the authenticator
 * signs is `nonce (16) ‖ expiry (8, ms, big-endian) ‖ HMAC-SHA256(secret, binding ‖ nonce ‖ expiry)`,
 * so the gateway that verifies the assertion (any replica sharing the secret) can tell, without
 * storing anything, that it issued this challenge, for this action, these parameters and this
 * voter (or, for a registration, this principal), and that it has not expired. Single use is the
 * router's: it never counts one challenge twice on an action (ADR 0009).
 */
export type ChallengeBinding =
  | { purpose: 'step-up'; actionId: string; paramsHash: string; principal: string }
  | { purpose: 'register'; principal: string };

export type ChallengeCheck = { ok: true; expiresAt: Date } | { ok: false; reason: 'malformed' | 'not-bound' | 'expired' };

const NONCE = 16;
const EXPIRY = 8;
const MAC = 32;
export const CHALLENGE_BYTES = NONCE + EXPIRY + MAC;

/** The fields the MAC covers, each length-prefixed so no two bindings share an encoding. */
function bound(binding: ChallengeBinding): Buffer {
  const fields = binding.purpose === 'step-up'
    ? ['countersign.step-up.v1', binding.actionId, binding.paramsHash, binding.principal]
    : ['countersign.passkey-registration.v1', binding.principal];
  return Buffer.concat(fields.flatMap((f) => {
    const bytes = Buffer.from(f, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  }));
}

function mac(secret: Uint8Array, binding: ChallengeBinding, head: Buffer): Buffer {
  return createHmac('sha256', secret).update(bound(binding)).update(head).digest();
}

/** A new challenge (raw bytes, and base64url as `clientDataJSON.challenge` carries it), valid until `expiresAt`. */
export function issueChallenge(secret: Uint8Array, binding: ChallengeBinding, expiresAt: Date, nonce: Buffer = randomBytes(NONCE)): { bytes: Uint8Array<ArrayBuffer>; encoded: string } {
  const expiry = Buffer.alloc(EXPIRY);
  expiry.writeBigUInt64BE(BigInt(expiresAt.getTime()));
  const head = Buffer.concat([nonce.subarray(0, NONCE), expiry]);
  const bytes = new Uint8Array(Buffer.concat([head, mac(secret, binding, head)]));
  return { bytes, encoded: Buffer.from(bytes).toString('base64url') };
}

/** Whether `encoded` (base64url) is a challenge this secret issued for `binding`, unexpired at `now`. */
export function checkChallenge(secret: Uint8Array, encoded: string, binding: ChallengeBinding, now: Date): ChallengeCheck {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(encoded)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length !== CHALLENGE_BYTES || raw.toString('base64url') !== encoded) return { ok: false, reason: 'malformed' };
  const head = raw.subarray(0, NONCE + EXPIRY);
  if (!timingSafeEqual(raw.subarray(NONCE + EXPIRY), mac(secret, binding, head))) return { ok: false, reason: 'not-bound' };
  const expiresAt = new Date(Number(raw.readBigUInt64BE(NONCE)));
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}
