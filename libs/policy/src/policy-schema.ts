import type { PolicyOutcome } from '@countersign/contracts';

/** Rule ids, group and principal names: lowercase, so a typo in case cannot create a new group. */
export const NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
/** Durations are a whole number of seconds, minutes, hours or days. */
export const DURATION_PATTERN = '^[1-9][0-9]{0,8}[smhd]$';

export const PATTERN_HINTS: Record<string, string> = {
  [NAME_PATTERN]: "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
  [DURATION_PATTERN]: 'must be a duration such as 30s, 15m, 1h or 2d',
};

/** What a policy file says about approvals, as written (defaults not yet applied). */
export interface ApprovalSpec {
  groups?: string[];
  principals?: string[];
  quorum?: number;
  distinctGroups?: boolean;
  timeout?: string;
}

export interface RuleSpec {
  id: string;
  description?: string;
  match: { action: string | string[]; resource?: string };
  effect: PolicyOutcome;
  reason?: string;
  approval?: ApprovalSpec;
}

export interface PolicySetDocument {
  apiVersion: 'countersign.dev/v1';
  kind: 'PolicySet';
  metadata: { name: string; description?: string };
  spec: {
    defaults?: { approval: ApprovalSpec };
    rules?: RuleSpec[];
  };
}

const name = { type: 'string', pattern: NAME_PATTERN, maxLength: 128 } as const;
const text = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const names = { type: 'array', items: name, uniqueItems: true } as const;

const approvalSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    groups: names,
    principals: names,
    quorum: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
    distinctGroups: { type: 'boolean', default: false },
    timeout: { type: 'string', pattern: DURATION_PATTERN, default: '1h' },
  },
} as const;

const ruleSchema = {
  type: 'object',
  required: ['id', 'match', 'effect'],
  additionalProperties: false,
  properties: {
    id: name,
    description: text,
    match: {
      type: 'object',
      required: ['action'],
      additionalProperties: false,
      properties: {
        // One action type or several; each may be a glob (`data.*`).
        action: { type: ['string', 'array'], minLength: 1, maxLength: 256, minItems: 1, items: { type: 'string', minLength: 1, maxLength: 256 } },
        // A glob over resource paths: `*` is one segment, `**` any number. Absent means any resource.
        resource: { type: 'string', minLength: 1, maxLength: 1024 },
      },
    },
    effect: { enum: ['allow', 'deny', 'require_approval'] },
    reason: text,
    approval: approvalSchema,
  },
} as const;

/** JSON Schema of one policy file (`kind: PolicySet`). */
export const policySetSchema = {
  $id: 'https://countersign.dev/schemas/v1/policy-set.json',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'countersign.dev/v1' },
    kind: { const: 'PolicySet' },
    metadata: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name, description: text },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        // Used when no rule matches; without it, an unmatched action is denied (fail closed).
        defaults: { type: 'object', required: ['approval'], additionalProperties: false, properties: { approval: approvalSchema } },
        rules: { type: 'array', items: ruleSchema },
      },
    },
  },
} as const;
