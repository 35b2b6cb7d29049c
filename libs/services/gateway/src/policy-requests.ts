/** Request bodies of /v1/policies. */
export const VERSION_PATTERN = '^[0-9a-f]{64}$';

const justification = { type: 'string', maxLength: 4000 } as const;

export const publishPolicyBody = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        required: ['path', 'text'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1, maxLength: 512, pattern: '\\.ya?ml$' },
          text: { type: 'string', maxLength: 1_000_000 },
        },
      },
    },
    justification,
  },
} as const;

export const rollbackPolicyBody = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: { type: 'string', pattern: VERSION_PATTERN }, justification },
} as const;
