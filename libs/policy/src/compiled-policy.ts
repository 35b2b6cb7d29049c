import picomatch from 'picomatch';
import { contentHash, type ApprovalRequirement, type PolicyEvaluatedData, type PolicyOutcome } from '@countersign/contracts';
import { parseDuration } from './duration.ts';
import type { ApprovalSpec, PolicySetDocument } from './policy-schema.ts';
import { describeApproval, reasonFor } from './reasons.ts';

/** What a proposal looks like to policy. `params` and `context` are for conditions to come (CEL). */
export interface PolicyInput {
  action: string;
  resource: string;
  params: Record<string, unknown>;
  context?: Record<string, unknown>;
  requester: { id: string; kind: 'agent' | 'human'; groups: string[] };
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
  /** Present iff effect is require_approval. */
  approval?: ApprovalRequirement;
}

export interface CompiledPolicySet {
  /** SHA-256 of the canonical JSON of every file's spec, in file path order. */
  version: string;
  /** Every rule, in evaluation order: files by path, then rules as written. */
  rules: readonly PolicyRule[];
  /** Used when no rule matches; absent means unmatched actions are denied. */
  defaultApproval?: ApprovalRequirement;
  evaluate(input: PolicyInput): PolicyEvaluatedData;
}

export interface ValidatedPolicyFile {
  path: string;
  document: PolicySetDocument;
  lineOf(pointer: string): number | undefined;
}

/** A rule with its globs compiled once; `order` is its position in `rules`. */
interface RuleMatcher {
  rule: PolicyRule;
  order: number;
  actionGlobs: ActionGlob[];
  resource?: RegExp;
}

/** A glob over action types, with its literal prefix as a cheap first test before the regex. */
interface ActionGlob {
  prefix: string;
  re: RegExp;
}

const GLOB_OPTIONS = { dot: true } as const;

function actionGlob(pattern: string): ActionGlob {
  const special = pattern.search(/[*?[\]{}()!+@\\]/);
  return { prefix: special < 0 ? pattern : pattern.slice(0, special), re: picomatch.makeRe(pattern, GLOB_OPTIONS) };
}

export function toRequirement(spec: ApprovalSpec): ApprovalRequirement {
  return {
    groups: spec.groups ?? [],
    principals: spec.principals ?? [],
    quorum: spec.quorum ?? 1,
    distinctGroups: spec.distinctGroups ?? false,
    // The schema has already checked the duration's shape.
    timeoutSeconds: parseDuration(spec.timeout ?? '1h') ?? 3600,
  };
}

/** Builds the evaluator from files that passed validation. */
export function compilePolicySet(files: readonly ValidatedPolicyFile[]): CompiledPolicySet {
  const version = contentHash(files.map((f) => f.document.spec));
  const rules: PolicyRule[] = [];
  let defaultApproval: ApprovalRequirement | undefined;
  for (const f of files) {
    const spec = f.document.spec;
    if (spec.defaults) defaultApproval = toRequirement(spec.defaults.approval);
    (spec.rules ?? []).forEach((r, i) => {
      rules.push({
        id: r.id,
        file: f.path,
        line: f.lineOf(`/spec/rules/${i}`),
        ...(r.description !== undefined ? { description: r.description } : {}),
        effect: r.effect,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        actions: typeof r.match.action === 'string' ? [r.match.action] : [...r.match.action],
        ...(r.match.resource !== undefined ? { resource: r.match.resource } : {}),
        ...(r.approval ? { approval: toRequirement(r.approval) } : {}),
      });
    });
  }
  rules.forEach(deepFreeze);
  if (defaultApproval) deepFreeze(defaultApproval);
  const evaluate = buildEvaluator(version, rules, defaultApproval);
  return { version, rules: Object.freeze(rules), ...(defaultApproval ? { defaultApproval } : {}), evaluate };
}

const MEMO_LIMIT = 10_000;

function buildEvaluator(version: string, rules: readonly PolicyRule[], defaultApproval?: ApprovalRequirement) {
  // Exact action types go in a map, so unrelated rules cost nothing; only glob patterns are scanned.
  const byAction = new Map<string, RuleMatcher[]>();
  const globbed: RuleMatcher[] = [];
  rules.forEach((rule, order) => {
    const matcher: RuleMatcher = { rule, order, actionGlobs: [], ...(rule.resource !== undefined ? { resource: picomatch.makeRe(rule.resource, GLOB_OPTIONS) } : {}) };
    for (const action of new Set(rule.actions)) {
      if (picomatch.scan(action).isGlob) matcher.actionGlobs.push(actionGlob(action));
      else if (byAction.has(action)) byAction.get(action)?.push(matcher);
      else byAction.set(action, [matcher]);
    }
    if (matcher.actionGlobs.length > 0) globbed.push(matcher);
  });

  const candidates = (action: string): RuleMatcher[] => {
    const exact = byAction.get(action) ?? [];
    const viaGlob = globbed.filter((m) => m.actionGlobs.some((g) => action.startsWith(g.prefix) && g.re.test(action)));
    if (viaGlob.length === 0) return exact;
    // Merge both lists back into file order; a rule listing the action both ways counts once.
    const merged = [...exact, ...viaGlob].sort((a, b) => a.order - b.order);
    return merged.filter((m, i) => i === 0 || merged[i - 1].order !== m.order);
  };

  // The candidates of an action type never change for a compiled set: remember them, so glob
  // rules cost one scan per action type rather than one per evaluation. Bounded, because action
  // names come from callers.
  const memo = new Map<string, RuleMatcher[]>();
  const candidatesOf = (action: string): RuleMatcher[] => {
    let found = memo.get(action);
    if (!found) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      found = candidates(action);
      memo.set(action, found);
    }
    return found;
  };

  return (input: PolicyInput): PolicyEvaluatedData => {
    const matched = candidatesOf(input.action).filter((m) => !m.resource || m.resource.test(input.resource));
    const first: Partial<Record<PolicyOutcome, PolicyRule>> = {};
    for (const m of matched) first[m.rule.effect] ??= m.rule;
    const matchedRules = matched.map((m) => m.rule.id);
    // Rule 1: deny beats require_approval beats allow. Of several rules requiring approval,
    // the first one in file order sets the requirement.
    const winner = first.deny ?? first.require_approval ?? first.allow;
    if (winner) {
      return {
        outcome: winner.effect,
        policyVersion: version,
        matchedRules,
        rule: winner.id,
        reason: reasonFor(winner, input.action),
        ...(winner.approval ? { approval: copyRequirement(winner.approval) } : {}),
      };
    }
    if (!defaultApproval) {
      return {
        outcome: 'deny',
        policyVersion: version,
        matchedRules,
        rule: 'default',
        reason: 'no rule matched and no default approval is configured (fail closed)',
      };
    }
    return {
      outcome: 'require_approval',
      policyVersion: version,
      matchedRules,
      rule: 'default',
      reason: `no rule matched ${input.action}; the default requires ${describeApproval(defaultApproval)}`,
      approval: copyRequirement(defaultApproval),
    };
  };
}

/** Callers get their own copy, so nothing they do can change the compiled policy. */
function copyRequirement(a: ApprovalRequirement): ApprovalRequirement {
  return { ...a, groups: [...a.groups], principals: [...a.principals] };
}

/** The compiled set is shared by every evaluation; nobody may change it in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
