// What every configuration document shares. Policies name the groups and principals that the
// directory defines, so both must accept exactly the same names.

/** Principal ids, group names, rule and key ids: lowercase, so a typo in case cannot create a new one. */
export const NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';

export const NAME_HINTS: Record<string, string> = {
  [NAME_PATTERN]: "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
};

export const nameSchema = { type: 'string', pattern: NAME_PATTERN, maxLength: 128 } as const;

/**
 * The `apiVersion` / `kind` / `metadata` envelope around a document's own `spec`. Documents differ
 * on whether `metadata` must be written and on how long its description may be.
 */
export function documentSchema<K extends string, S extends object, D extends object>(d: { $id: string; kind: K; metadataRequired: boolean; description: D; spec: S }) {
  return {
    $id: d.$id,
    type: 'object',
    required: ['apiVersion', 'kind', ...(d.metadataRequired ? ['metadata'] : []), 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'countersign.dev/v1' },
      kind: { const: d.kind },
      metadata: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: nameSchema, description: d.description },
      },
      spec: d.spec,
    },
  } as const;
}
