import { documentSchema, NAME_HINTS, nameSchema as name } from '@countersign/config-documents';

/** A linked identity is `provider:id`, e.g. `slack:U0ALICE` or `teams:29:alice`. */
export const IDENTITY_PATTERN = '^[a-z][a-z0-9-]*:\\S+$';
export const SHA256_PATTERN = '^[0-9a-f]{64}$';
/**
 * An Ed25519 public key as a JWK's `x`: 32 bytes, unpadded base64url, 43 characters. The last one
 * carries 4 bits, so only 16 letters can end a canonical spelling.
 */
export const ED25519_X_PATTERN = '^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$';

export const PATTERN_HINTS: Record<string, string> = {
  ...NAME_HINTS,
  [IDENTITY_PATTERN]: 'must be provider:id, e.g. slack:U0ALICE',
  [SHA256_PATTERN]: 'must be 64 lowercase hex digits: the SHA-256 of the key, never the key itself',
  [ED25519_X_PATTERN]: "must be an Ed25519 public key as a JWK's x: 43 base64url characters (see docs/kafka-producers.md)",
};

export type PrincipalKind = 'human' | 'agent';
/** Read access to every action and the audit log. Never a way around approval rules. */
export type PrincipalRole = 'auditor' | 'admin';

export interface ApiKeySpec {
  id: string;
  sha256: string;
}

/** A public key the principal signs proposals-topic records with (docs/kafka-producers.md). */
export interface SigningKeySpec {
  id: string;
  /** Ed25519, as a JWK's `x` (base64url). Public: the private key never leaves the producer. */
  publicKey: string;
}

export interface PrincipalSpec {
  id: string;
  kind: PrincipalKind;
  name?: string;
  email?: string;
  groups?: string[];
  roles?: PrincipalRole[];
  owner?: string;
  /** Globs over resource paths this principal owns: they may approve where a rule names owners. */
  owns?: string[];
  identities?: string[];
  apiKeys?: ApiKeySpec[];
  signingKeys?: SigningKeySpec[];
}

/**
 * The IdP's group `idpGroup` (as its group claim spells it) stands for these Countersign groups at
 * console sign-in. The groups named here are IdP-governed: see groupMappingRule in sign-in.ts.
 */
export interface GroupMappingSpec {
  idpGroup: string;
  groups: string[];
}

export interface PrincipalListDocument {
  apiVersion: 'countersign.dev/v1';
  kind: 'PrincipalList';
  metadata?: { name: string; description?: string };
  spec: { principals: PrincipalSpec[]; groupMappings?: GroupMappingSpec[] };
}

const text = { type: 'string', minLength: 1, maxLength: 512 } as const;

const principalSchema = {
  type: 'object',
  required: ['id', 'kind'],
  additionalProperties: false,
  properties: {
    id: name,
    kind: { enum: ['human', 'agent'] },
    name: text,
    email: { type: 'string', format: 'email', maxLength: 320 },
    groups: { type: 'array', items: name, uniqueItems: true },
    roles: { type: 'array', items: { enum: ['auditor', 'admin'] }, uniqueItems: true },
    // Agents only: the human the agent acts for, who may not approve its actions.
    owner: name,
    owns: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 1024 }, uniqueItems: true },
    identities: { type: 'array', items: { type: 'string', pattern: IDENTITY_PATTERN, maxLength: 256 }, uniqueItems: true },
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'sha256'],
        additionalProperties: false,
        properties: { id: name, sha256: { type: 'string', pattern: SHA256_PATTERN } },
      },
    },
    signingKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'publicKey'],
        additionalProperties: false,
        properties: { id: name, publicKey: { type: 'string', pattern: ED25519_X_PATTERN } },
      },
    },
  },
} as const;

// IdP group names are the IdP's: Entra gives object ids, LDAP-backed IdPs distinguished names.
const groupMappingSchema = {
  type: 'object',
  required: ['idpGroup', 'groups'],
  additionalProperties: false,
  properties: {
    idpGroup: { type: 'string', minLength: 1, maxLength: 256 },
    groups: { type: 'array', items: name, minItems: 1, uniqueItems: true },
  },
} as const;

/** JSON Schema of one principals file (`kind: PrincipalList`). */
export const principalListSchema = documentSchema({
  $id: 'https://countersign.dev/schemas/v1/principal-list.json',
  kind: 'PrincipalList',
  metadataRequired: false,
  description: text,
  spec: {
    type: 'object',
    required: ['principals'],
    additionalProperties: false,
    properties: { principals: { type: 'array', items: principalSchema }, groupMappings: { type: 'array', items: groupMappingSchema } },
  },
});
