import picomatch from 'picomatch';
import { checkResource, type ApprovalRequirement, type ConditionResult, type PolicyEvaluatedData, type PolicyOutcome } from '@countersign/contracts';
import type { PolicyInput, PolicyRule } from './compiled-policy.ts';
import { compileCondition, runConditions, type CompiledCondition, type ConditionActivation } from './conditions.ts';
import { explain } from './explanation.ts';
import { describeApproval, reasonFor } from './reasons.ts';
import { compileStaticMatch, GLOB_OPTIONS, type MatchInput } from './rule-match.ts';
import { boundedMemo } from './bounded-memo.ts';

/** A rule with its globs and conditions compiled once; `order` is its position in `rules`. */
interface RuleMatcher {
  rule: PolicyRule;
  order: number;
  actionGlobs: ActionGlob[];
  matches?: (input: MatchInput) => boolean;
  conditions: CompiledCondition[];
}

/** A glob over action types, with its literal prefix as a cheap first test before the regex. */
interface ActionGlob {
  prefix: string;
  re: RegExp;
}

export interface DefaultApproval {
  requirement: ApprovalRequirement;
  ownersApprove: boolean;
}

function actionGlob(pattern: string): ActionGlob {
  const special = pattern.search(/[*?[\]{}()!+@\\]/);
  return { prefix: special < 0 ? pattern : pattern.slice(0, special), re: picomatch.makeRe(pattern, GLOB_OPTIONS) };
}

function conditionsOf(rule: PolicyRule): CompiledCondition[] {
  return rule.when.map((expression) => {
    const c = compileCondition(expression);
    // The loader refuses invalid expressions, so this only fires on a set built around it.
    if (!c.ok) throw new Error(`policy: rule ${rule.id}: condition ${JSON.stringify(expression)} ${c.error}`);
    return c.condition;
  });
}

const MEMO_LIMIT = 10_000;

/** The evaluation function of one policy version. */
export function buildEvaluator(version: string, rules: readonly PolicyRule[], fallback?: DefaultApproval, redactParams: readonly string[] = []) {
  // Exact action types go in a map, so unrelated rules cost nothing; only glob patterns are scanned.
  const byAction = new Map<string, RuleMatcher[]>();
  const globbed: RuleMatcher[] = [];
  rules.forEach((rule, order) => {
    const matches = compileStaticMatch(rule);
    const matcher: RuleMatcher = { rule, order, actionGlobs: [], conditions: conditionsOf(rule), ...(matches ? { matches } : {}) };
    for (const action of new Set(rule.actions)) {
      // The loader refuses negated patterns; a set built around it still never files one under a literal name.
      const scan = picomatch.scan(action);
      if (scan.isGlob || scan.negated) matcher.actionGlobs.push(actionGlob(action));
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
  const candidatesOf = boundedMemo(MEMO_LIMIT, candidates);

  // Checking a resource's spelling costs about as much as the rest of an evaluation, and the
  // answer never changes: remember it, bounded like the candidates (resources come from callers).
  const spellingOf = boundedMemo(MEMO_LIMIT, checkResource);

  return (input: PolicyInput, options: EvaluationOptions = {}): PolicyEvaluatedData => {
    const matched: PolicyRule[] = [];
    const conditions: ConditionResult[] = [];
    const notes: string[] = [];
    // Rules are written for canonical resources (the gateway refuses any other spelling). One that
    // reaches us anyway (an old log, a direct caller) is matched in its canonical spelling when it
    // has one, and no allow rule applies to it: fail closed, and say so.
    const spelled = spellingOf(input.resource);
    const subject = spelled.ok || spelled.canonical === undefined ? input : { ...input, resource: spelled.canonical };
    if (!spelled.ok) notes.push(nonCanonical(input.resource, spelled));
    let activation: ConditionActivation | undefined;
    for (const m of candidatesOf(input.action)) {
      if (!spelled.ok && m.rule.effect === 'allow') continue;
      if (m.matches && !m.matches(subject)) continue;
      if (m.conditions.length > 0) {
        activation ??= activationOf(subject);
        const run = runConditions(m.rule.id, m.conditions, activation, options.clock);
        // Fail closed: a condition that cannot be evaluated (or runs over its budget) never lets
        // an allow rule apply, and never lets a deny or approval rule off.
        if (run.errored) {
          conditions.push(...run.results);
          if (m.rule.effect === 'allow') continue;
        } else if (!run.holds) continue;
        else conditions.push(...run.results);
      }
      matched.push(m.rule);
    }
    const first: Partial<Record<PolicyOutcome, PolicyRule>> = {};
    for (const rule of matched) first[rule.effect] ??= rule;
    const base = {
      policyVersion: version,
      matchedRules: matched.map((r) => r.id),
      ...(conditions.length ? { conditions } : {}),
      ...(redactParams.length ? { redactParams: [...redactParams] } : {}),
    };
    const explained = <T extends Omit<PolicyEvaluatedData, 'explanation'>>(decided: T) => ({ ...decided, explanation: explain(input, decided, matched, notes) });
    // Rule 1: deny beats require_approval beats allow. Of several rules requiring approval,
    // the first one in file order sets the requirement.
    const winner = first.deny ?? first.require_approval ?? first.allow;
    if (winner) {
      if (winner.requireJustification && !input.justification?.trim()) {
        const reason = `rule ${winner.id} requires a justification and the proposal gave none`;
        return explained({ ...base, outcome: 'deny' as const, rule: winner.id, reason });
      }
      const approval = winner.approval ? withOwners(winner.approval, winner.ownersApprove, input) : undefined;
      const grant = {
        ...(winner.grantTtlSeconds !== undefined ? { grantTtlSeconds: winner.grantTtlSeconds } : {}),
        ...(winner.grantAudience !== undefined ? { grantAudience: winner.grantAudience } : {}),
      };
      return explained({ ...base, outcome: winner.effect, rule: winner.id, reason: reasonFor(winner, input.action, approval), ...(approval ? { approval, ...stepUpOf(approval) } : {}), ...grant });
    }
    if (!fallback) {
      return explained({ ...base, outcome: 'deny' as const, rule: 'default', reason: 'no rule matched and no default approval is configured (fail closed)' });
    }
    const approval = withOwners(fallback.requirement, fallback.ownersApprove, input);
    const reason = `no rule matched ${input.action}; the default requires ${describeApproval(approval)}`;
    return explained({ ...base, outcome: 'require_approval' as const, rule: 'default', reason, approval, ...stepUpOf(approval) });
  };
}

/** Step-up shows at the top of the evaluation too, so action views (`policy.stepUp`) say it. */
const stepUpOf = (a: ApprovalRequirement) => (a.stepUp ? { stepUp: a.stepUp } : {});

/** Whoever evaluates may pass a clock (milliseconds): then each condition runs under a time budget too. */
export interface EvaluationOptions {
  clock?: () => number;
}

function nonCanonical(resource: string, spelled: { problem: string; canonical?: string }): string {
  const shown = JSON.stringify(resource);
  if (spelled.canonical === undefined) return `The resource ${shown} ${spelled.problem}, so no allow rule applies (fail closed).`;
  return `The resource ${shown} is not in canonical form, so no allow rule applies (fail closed); the other rules were matched against its canonical form ${JSON.stringify(spelled.canonical)}.`;
}

function activationOf(input: PolicyInput): ConditionActivation {
  return {
    action: input.action,
    resource: input.resource,
    params: input.params,
    context: input.context ?? {},
    requester: input.requester,
    ...(input.now ? { now: input.now } : {}),
  };
}

/** The caller's own copy of a requirement, with the resource's owners added when the rule names them. */
function withOwners(a: ApprovalRequirement, ownersApprove: boolean | undefined, input: PolicyInput): ApprovalRequirement {
  const copy = copyRequirement(a);
  if (!ownersApprove) return copy;
  const owners = [...new Set(input.resourceOwners ?? [])].sort();
  return { ...copy, principals: [...new Set([...copy.principals, ...owners])], owners };
}

/** A deep copy by hand: structuredClone costs more than the rest of an evaluation. */
function copyRequirement(a: ApprovalRequirement): ApprovalRequirement {
  const { escalation, breakGlass } = a;
  return {
    ...a,
    groups: [...a.groups],
    principals: [...a.principals],
    ...(a.owners ? { owners: [...a.owners] } : {}),
    ...(a.channels ? { channels: [...a.channels] } : {}),
    ...(escalation ? { escalation: { ...escalation, groups: [...escalation.groups], ...(escalation.channels ? { channels: [...escalation.channels] } : {}) } } : {}),
    ...(breakGlass ? { breakGlass: { ...breakGlass, groups: [...breakGlass.groups], reviewGroups: [...breakGlass.reviewGroups] } } : {}),
    ...(a.standing ? { standing: { ...a.standing } } : {}),
  };
}
