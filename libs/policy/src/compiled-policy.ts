import { contentHash, type ApprovalRequirement, type PolicyEvaluatedData, type PolicyOutcome } from '@countersign/contracts';
import { parseDuration } from './duration.ts';
import { buildEvaluator, type EvaluationOptions } from './evaluator.ts';
import type { ApprovalSpec, PolicySetDocument, RequesterMatch } from './policy-schema.ts';
import { asList } from './rule-match.ts';

/** What a proposal looks like to policy. */
export interface PolicyInput {
  action: string;
  resource: string;
  params: Record<string, unknown>;
  context?: Record<string, unknown>;
  requester: { id: string; kind: 'agent' | 'human'; groups: string[] };
  justification?: string;
  /** Principals who own the resource (from the directory), for rules whose approval names owners. */
  resourceOwners?: string[];
  /** The time of evaluation, `now` in conditions; conditions that use it fail without it. */
  now?: Date;
}

/** One rule after compilation, as plain data (defaults applied, durations in seconds). */
export interface PolicyRule {
  id: string;
  file: string;
  line?: number;
  description?: string;
  effect: PolicyOutcome;
  reason?: string;
  actions: string[];
  /** Absent: any resource. */
  resource?: string;
  requester?: RequesterMatch;
  environment?: string[];
  labels?: Record<string, string[]>;
  /** CEL expressions that must all hold; empty when the rule has none. */
  when: string[];
  requireJustification: boolean;
  /** The validity of grants of approvals under this rule, when the rule sets it (else the gateway's 300 s). */
  grantTtlSeconds?: number;
  grantAudience?: string;
  /** Present iff effect is require_approval. */
  approval?: ApprovalRequirement;
  /** The resource's owners may approve too (resolved per evaluation). */
  ownersApprove?: boolean;
}

export interface CompiledPolicySet {
  /** SHA-256 of the canonical JSON of every file's spec, in file path order. */
  version: string;
  /** Every rule, in evaluation order: files by path, then rules as written. */
  rules: readonly PolicyRule[];
  /** Used when no rule matches; absent means unmatched actions are denied. */
  defaultApproval?: ApprovalRequirement;
  /** Whether the default's approval names the resource's owners. */
  defaultOwnersApprove?: boolean;
  /** Parameter-name globs whose values messages must not show (every file's, merged). */
  redactParams: readonly string[];
  /** With `options.clock` (milliseconds), each condition also runs under a time budget. */
  evaluate(input: PolicyInput, options?: EvaluationOptions): PolicyEvaluatedData;
  /** The files as written, in path order, when the set was loaded from text (to publish it again). */
  sources?: ReadonlyArray<{ path: string; text: string }>;
}

export interface ValidatedPolicyFile {
  path: string;
  document: PolicySetDocument;
  lineOf(pointer: string): number | undefined;
}

const seconds = (duration: string | undefined, fallback: string): number => parseDuration(duration ?? fallback) ?? 0;

/** An approval block with defaults applied; optional parts only when written. */
export function toRequirement(spec: ApprovalSpec): ApprovalRequirement {
  const { escalation, breakGlass, standing } = spec;
  return {
    groups: spec.groups ?? [],
    principals: spec.principals ?? [],
    quorum: spec.quorum ?? 1,
    distinctGroups: spec.distinctGroups ?? false,
    // The schema has already checked the durations' shape.
    timeoutSeconds: seconds(spec.timeout, '1h'),
    ...(spec.channels?.length ? { channels: [...spec.channels] } : {}),
    ...(escalation
      ? {
          escalation: {
            afterSeconds: seconds(escalation.after, '1h'),
            groups: [...escalation.groups],
            ...(escalation.channels?.length ? { channels: [...escalation.channels] } : {}),
          },
        }
      : {}),
    ...(breakGlass
      ? {
          breakGlass: {
            groups: [...breakGlass.groups],
            reviewGroups: [...breakGlass.review.groups],
            reviewWithinSeconds: seconds(breakGlass.review.within, '24h'),
          },
        }
      : {}),
    ...(standing ? { standing: { maxTtlSeconds: seconds(standing.maxTtl, '1h'), maxUses: standing.maxUses } } : {}),
    ...(spec.stepUp ? { stepUp: spec.stepUp } : {}),
  };
}

/** Builds the evaluator from files that passed validation (conditions included). */
export function compilePolicySet(files: readonly ValidatedPolicyFile[]): CompiledPolicySet {
  const version = contentHash(files.map((f) => f.document.spec));
  const rules: PolicyRule[] = [];
  let defaults: ApprovalSpec | undefined;
  const redact = new Set<string>();
  for (const f of files) {
    const spec = f.document.spec;
    if (spec.defaults) defaults = spec.defaults.approval;
    for (const pattern of spec.redactParams ?? []) redact.add(pattern);
    (spec.rules ?? []).forEach((r, i) => {
      const { match } = r;
      rules.push({
        id: r.id,
        file: f.path,
        line: f.lineOf(`/spec/rules/${i}`),
        ...(r.description !== undefined ? { description: r.description } : {}),
        effect: r.effect,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        actions: asList(match.action),
        ...(match.resource !== undefined ? { resource: match.resource } : {}),
        ...(match.requester ? { requester: match.requester } : {}),
        ...(match.environment !== undefined ? { environment: asList(match.environment) } : {}),
        ...(match.labels ? { labels: Object.fromEntries(Object.entries(match.labels).map(([k, v]) => [k, asList(v)])) } : {}),
        when: r.when === undefined ? [] : asList(r.when),
        requireJustification: r.requireJustification ?? false,
        ...(r.grantTtl !== undefined ? { grantTtlSeconds: seconds(r.grantTtl, '5m') } : {}),
        ...(r.grantAudience !== undefined ? { grantAudience: r.grantAudience } : {}),
        ...(r.approval ? { approval: toRequirement(r.approval), ownersApprove: r.approval.owners ?? false } : {}),
      });
    });
  }
  const defaultApproval = defaults ? toRequirement(defaults) : undefined;
  const defaultOwnersApprove = defaults?.owners ?? false;
  rules.forEach(deepFreeze);
  if (defaultApproval) deepFreeze(defaultApproval);
  const redactParams = Object.freeze([...redact].sort());
  const evaluate = buildEvaluator(version, rules, defaultApproval ? { requirement: defaultApproval, ownersApprove: defaultOwnersApprove } : undefined, redactParams);
  return {
    version,
    rules: Object.freeze(rules),
    redactParams,
    ...(defaultApproval ? { defaultApproval, defaultOwnersApprove } : {}),
    evaluate,
  };
}

/** The compiled set is shared by every evaluation; nobody may change it in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
