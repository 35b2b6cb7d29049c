/** Request schemas of /v1/delegations (ADR 0010): what passes here passes the ledger's command schema. */
const principalId = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' } as const;
const instant = { type: 'string', format: 'date-time', maxLength: 64 } as const;

export interface DelegateBody { delegate: string; from?: string; until: string; reason?: string }
export interface ListDelegationsQuery { status?: 'live'; all?: 'true'; limit?: string; cursor?: string }

export const delegateBody = {
  type: 'object',
  required: ['delegate', 'until'],
  additionalProperties: false,
  properties: { delegate: principalId, from: instant, until: instant, reason: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } },
} as const;

export const listDelegationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { const: 'live' }, all: { const: 'true' },
    limit: { type: 'string', pattern: '^(?:[1-9]\\d{0,2}|1000)$' }, cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,512}$' },
  },
} as const;

export const revokeDelegationBody = {
  type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } },
} as const;
