import type { PolicyOutcome } from '@countersign/contracts';
import { documentSchema, NAME_HINTS, nameSchema as name } from '@countersign/config-documents';

/** Durations are a whole number of seconds, minutes, hours or days. */
export const DURATION_PATTERN = '^[1-9][0-9]{0,8}[smhd]$';
/** Where notifications go: `slack:#channel`, `teams:<conversation>`, `webhook:<name>`. */
export const CHANNEL_PATTERN = '^(slack|teams|webhook):\\S+$';

export const PATTERN_HINTS: Record<string, string> = {
  ...NAME_HINTS,
  [DURATION_PATTERN]: 'must be a duration such as 30s, 15m, 1h or 2d',
  [CHANNEL_PATTERN]: 'must be slack:<channel>, teams:<conversation> or webhook:<name>',
};

/** What a policy file says about approvals, as written (defaults not yet applied). */
export interface ApprovalSpec {
  groups?: string[];
  principals?: string[];
  /** The principals who own the resource (the directory's `owns` globs) may approve. */
  owners?: boolean;
  quorum?: number;
  distinctGroups?: boolean;
  timeout?: string;
  channels?: string[];
  escalation?: { after: string; groups: string[]; channels?: string[] };
  breakGlass?: { groups: string[]; review: { groups: string[]; within?: string } };
  /** Approvers may offer the requester a standing approval of at most these terms (ADR 0004); off when absent. */
  standing?: { maxTtl: string; maxUses: number };
  /** Each approval needs a fresh WebAuthn assertion from a registered passkey (docs/step-up.md). */
  stepUp?: 'webauthn';
}

/** Who asks: all given parts must hold. */
export interface RequesterMatch {
  principals?: string[];
  groups?: string[];
  kind?: 'agent' | 'human';
}

export interface MatchSpec {
  action: string | string[];
  resource?: string;
  requester?: RequesterMatch;
  /** Matched against the proposal's `context.environment`. */
  environment?: string | string[];
  /** Matched against the proposal's `context.labels`: every key must have one of the values. */
  labels?: Record<string, string | string[]>;
}

export interface RuleSpec {
  id: string;
  description?: string;
  match: MatchSpec;
  /** CEL: one boolean expression, or several that must all hold. */
  when?: string | string[];
  effect: PolicyOutcome;
  reason?: string;
  /** The proposal must carry a justification, or the rule denies it. */
  requireJustification?: boolean;
  approval?: ApprovalSpec;
  /** How long the signed grant of an approval under this rule is valid (default 5m, at most 1d). */
  grantTtl?: string;
  /** The `aud` of those grants: the executors they are meant for. */
  grantAudience?: string;
}

export interface PolicySetDocument {
  apiVersion: 'countersign.dev/v1';
  kind: 'PolicySet';
  metadata: { name: string; description?: string };
  spec: {
    defaults?: { approval: ApprovalSpec };
    /** Globs over parameter names whose values notifications never show. */
    redactParams?: string[];
    rules?: RuleSpec[];
  };
}

const text = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const names = { type: 'array', items: name, uniqueItems: true } as const;
const groupList = { ...names, minItems: 1 } as const;
const duration = { type: 'string', pattern: DURATION_PATTERN } as const;
const channels = { type: 'array', items: { type: 'string', pattern: CHANNEL_PATTERN, maxLength: 256 }, uniqueItems: true } as const;
const glob = { type: 'string', minLength: 1, maxLength: 256 } as const;
const globs = { type: ['string', 'array'], minLength: 1, maxLength: 256, minItems: 1, items: glob } as const;

const approvalSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    groups: names,
    principals: names,
    owners: { type: 'boolean', default: false },
    quorum: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
    distinctGroups: { type: 'boolean', default: false },
    timeout: { ...duration, default: '1h' },
    channels,
    escalation: {
      type: 'object',
      required: ['after', 'groups'],
      additionalProperties: false,
      properties: { after: duration, groups: groupList, channels },
    },
    breakGlass: {
      type: 'object',
      required: ['groups', 'review'],
      additionalProperties: false,
      properties: {
        groups: groupList,
        // Break-glass is never silent: someone must look at what was done, within this time.
        review: {
          type: 'object',
          required: ['groups'],
          additionalProperties: false,
          properties: { groups: groupList, within: { ...duration, default: '24h' } },
        },
      },
    },
    // "Approve similar for a while": the most an approver may offer with an approval.
    standing: {
      type: 'object',
      required: ['maxTtl', 'maxUses'],
      additionalProperties: false,
      properties: { maxTtl: duration, maxUses: { type: 'integer', minimum: 1, maximum: 10_000 } },
    },
    // Step-up for risky approvals: each approval carries a fresh passkey assertion bound to the action.
    stepUp: { enum: ['webauthn'] },
  },
} as const;

const matchSchema = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    // One action type or several; each may be a glob (`data.*`).
    action: globs,
    // A glob over resource paths: `*` is one segment, `**` any number. Absent means any resource.
    resource: { type: 'string', minLength: 1, maxLength: 1024 },
    requester: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        // Principal ids, or globs over them (`deploy-bot-*`).
        principals: { type: 'array', items: glob, minItems: 1, uniqueItems: true },
        // Any one of these groups.
        groups: groupList,
        kind: { enum: ['agent', 'human'] },
      },
    },
    environment: globs,
    labels: {
      type: 'object',
      minProperties: 1,
      propertyNames: { type: 'string', minLength: 1, maxLength: 128 },
      additionalProperties: { type: ['string', 'array'], minLength: 1, maxLength: 256, minItems: 1, items: glob },
    },
  },
} as const;

const celExpression = { type: 'string', minLength: 1, maxLength: 4000 } as const;

const ruleSchema = {
  type: 'object',
  required: ['id', 'match', 'effect'],
  additionalProperties: false,
  properties: {
    id: name,
    description: text,
    match: matchSchema,
    when: { type: ['string', 'array'], minLength: 1, maxLength: 4000, minItems: 1, items: celExpression },
    effect: { enum: ['allow', 'deny', 'require_approval'] },
    reason: text,
    requireJustification: { type: 'boolean', default: false },
    approval: approvalSchema,
    grantTtl: duration,
    grantAudience: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' },
  },
} as const;

/** JSON Schema of one policy file (`kind: PolicySet`). */
export const policySetSchema = documentSchema({
  $id: 'https://countersign.dev/schemas/v1/policy-set.json',
  kind: 'PolicySet',
  metadataRequired: true,
  description: text,
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      // Used when no rule matches; without it, an unmatched action is denied (fail closed).
      defaults: { type: 'object', required: ['approval'], additionalProperties: false, properties: { approval: approvalSchema } },
      redactParams: { type: 'array', items: glob, uniqueItems: true },
      rules: { type: 'array', items: ruleSchema },
    },
  },
});
