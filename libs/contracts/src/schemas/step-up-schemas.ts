import { isoTime, nonEmpty } from './primitives.ts';

const base64url = { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** The step-up a vote carries (on CastVote and VoteRecorded). */
export const stepUpRecord = {
  type: 'object',
  required: ['method', 'credentialId', 'challenge', 'verifiedAt', 'userVerified'],
  additionalProperties: false,
  properties: {
    method: { const: 'webauthn' },
    credentialId: base64url,
    challenge: base64url,
    verifiedAt: isoTime,
    userVerified: { type: 'boolean' },
  },
} as const;

export const stepUpMethod = { const: 'webauthn' } as const;

export const passkeyRegisteredSchema = {
  type: 'object',
  required: ['principal', 'credentialId', 'publicKey', 'counter', 'transports', 'name'],
  additionalProperties: false,
  properties: {
    principal: nonEmpty,
    credentialId: base64url,
    publicKey: { ...base64url, maxLength: 4096 },
    counter: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
    transports: { type: 'array', maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 32 } },
    name: { type: 'string', minLength: 1, maxLength: 128 },
    aaguid: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

export const passkeyRemovedSchema = {
  type: 'object',
  required: ['principal', 'credentialId', 'removedBy'],
  additionalProperties: false,
  properties: { principal: nonEmpty, credentialId: base64url, removedBy: nonEmpty },
} as const;
