/** Reusable JSON Schema fragments. */
export const nonEmpty = { type: 'string', minLength: 1, maxLength: 512 } as const;
export const sha256Hex = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
export const isoTime = { type: 'string', format: 'date-time' } as const;
export const stringList = { type: 'array', items: nonEmpty } as const;
/** For each principal, the groups they belong to (or count for). */
export const groupsByPrincipal = { type: 'object', additionalProperties: stringList } as const;
export const jsonObject = { type: 'object' } as const;
export const channel = { enum: ['api', 'console', 'slack', 'teams', 'system'] } as const;
export const actor = {
  type: 'object',
  required: ['id', 'kind'],
  additionalProperties: false,
  properties: { id: nonEmpty, kind: { enum: ['agent', 'human', 'service'] } },
} as const;
