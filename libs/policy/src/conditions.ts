import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { ConditionResult } from '@countersign/contracts';
import { RE2_FUNCTION as RE2_NAME, RE2_SIGNATURE, re2Matches, rewriteMatches } from './cel-regex.ts';
import { COST_BUDGET, estimateCost } from './condition-cost.ts';
import { boundedMemo } from './bounded-memo.ts';

/**
 * CEL conditions of rules. One environment declares the variables a condition may use; each
 * expression is parsed and type-checked once, when its policy version is compiled, so evaluation
 * only runs the compiled closure. Conditions run under a budget: `matches` runs on RE2 (linear
 * time, see cel-regex.ts), a condition whose estimated worst-case cost is over COST_BUDGET is
 * refused at load (condition-cost.ts), and, when the caller passes a clock, one that runs longer
 * than RUNTIME_BUDGET_MS anyway counts as an error (fail closed).
 */
export interface CompiledCondition {
  /** As written in the policy; what evaluations record. */
  expression: string;
  /** The expression as run: `matches` calls rewritten to RE2. */
  run: ParseResult;
  /** The estimated worst-case cost, in the units of COST_BUDGET. */
  cost: number;
}

/** Wall-clock time one condition may take when the evaluator is given a clock; over it, the condition is an error. */
export const RUNTIME_BUDGET_MS = 50;

/** The variables a condition sees. `now` is a CEL timestamp. */
export interface ConditionActivation {
  action: string;
  resource: string;
  params: Record<string, unknown>;
  context: Record<string, unknown>;
  requester: { id: string; kind: string; groups: string[] };
  now?: Date;
}

const environment = new Environment({ unlistedVariablesAreDyn: false, limits: { maxAstNodes: 2000, maxDepth: 64 } })
  .registerVariable('action', 'string', { description: 'the action type, e.g. data.export' })
  .registerVariable('resource', 'string', { description: 'the resource path' })
  .registerVariable('params', 'map', { description: "the action's parameters" })
  .registerVariable('context', 'map', { description: 'what the requester said about the circumstances' })
  .registerVariable('requester', 'map', { description: '{ id, kind, groups }' })
  .registerVariable('now', 'google.protobuf.Timestamp', { description: 'the time of evaluation' })
  .registerFunction(RE2_SIGNATURE, re2Matches)
  .clone();

export const CONDITION_VARIABLES = ['action', 'resource', 'params', 'context', 'requester', 'now'] as const;

/**
 * The conditions of standing approvals (ADR 0004) see what a later proposal asks to do, nothing of
 * its circumstances: `action`, `resource` and `params`.
 */
const standingEnvironment = new Environment({ unlistedVariablesAreDyn: false, limits: { maxAstNodes: 2000, maxDepth: 64 } })
  .registerVariable('action', 'string', { description: 'the action type, e.g. data.export' })
  .registerVariable('resource', 'string', { description: 'the resource path' })
  .registerVariable('params', 'map', { description: "the action's parameters" })
  .registerFunction(RE2_SIGNATURE, re2Matches)
  .clone();

export const STANDING_CONDITION_VARIABLES = ['action', 'resource', 'params'] as const;

type Compiled = { ok: true; condition: CompiledCondition } | { ok: false; error: string };

// Validation and compilation of a policy version see the same expressions, and most expressions
// survive from one version to the next: each is parsed once. Bounded, since policies are input.
/** Parses and type-checks one expression: the condition, or the one-line reason it is not one. */
export const compileCondition: (expression: string) => Compiled = boundedMemo(5_000, (expression) => parseCondition(expression, environment));

/** The same for the condition of a standing approval: same checks and budget, fewer variables. */
export const compileStandingCondition: (expression: string) => Compiled = boundedMemo(1_000, (expression) => parseCondition(expression, standingEnvironment));

function parseCondition(expression: string, env: typeof environment): Compiled {
  let run: ParseResult;
  try {
    run = env.parse(expression);
  } catch (error) {
    return { ok: false, error: `is not valid CEL: ${firstLine(error)}` };
  }
  const checked = run.check();
  if (!checked.valid) return { ok: false, error: `is not valid CEL: ${firstLine(checked.error)}` };
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { ok: false, error: `must be a boolean CEL expression, but it is of type ${checked.type}` };
  }
  const rewritten = rewriteMatches(expression, run.ast);
  if (!rewritten.ok) return rewritten;
  const estimated = estimateCost(run.ast, rewritten.patterns);
  if ('error' in estimated) return { ok: false, error: estimated.error };
  if (estimated.cost > COST_BUDGET) {
    return {
      ok: false,
      error:
        `could cost up to ${estimated.cost} units to evaluate, over the budget of ${COST_BUDGET}: a macro costs its list's size (up to 1000 ` +
        'items for an input) times its body, and comparing whole inputs walks up to 10000 values (compare them as text with string())',
    };
  }
  if (rewritten.text !== expression) {
    try {
      run = env.parse(rewritten.text);
    } catch (error) {
      return { ok: false, error: `cannot be prepared for RE2: ${firstLine(error)}` };
    }
    if (!run.check().valid) return { ok: false, error: 'cannot be prepared for RE2; write text.matches("pattern")' };
  }
  return { ok: true, condition: { expression, run, cost: estimated.cost } };
}

/**
 * Runs a rule's conditions: all must hold. An expression that fails (a missing key, a wrong
 * type), yields a non-boolean or, timed with `clock`, runs over RUNTIME_BUDGET_MS is an error,
 * not false; as with CEL's own `&&`, one condition that is false makes the rule not hold even if
 * another errored. Otherwise an error is reported and the caller decides what it means for the
 * rule (fail closed).
 */
export function runConditions(
  rule: string,
  conditions: readonly CompiledCondition[],
  activation: ConditionActivation,
  clock?: () => number,
): { holds: boolean; errored: boolean; results: ConditionResult[] } {
  const results: ConditionResult[] = [];
  for (const c of conditions) {
    let value: unknown;
    const started = clock?.() ?? 0;
    try {
      value = c.run(activation);
    } catch (error) {
      results.push({ rule, expression: c.expression, result: 'error', error: firstLine(error).replaceAll(RE2_NAME, 'matches') });
      continue;
    }
    const spent = clock ? clock() - started : 0;
    if (spent > RUNTIME_BUDGET_MS) {
      const error = `exceeded its evaluation budget: it ran ${Math.round(spent)} ms, the budget is ${RUNTIME_BUDGET_MS} ms`;
      results.push({ rule, expression: c.expression, result: 'error', error });
      continue;
    }
    if (value === false) return { holds: false, errored: false, results: [] };
    if (value === true) results.push({ rule, expression: c.expression, result: 'held' });
    else results.push({ rule, expression: c.expression, result: 'error', error: `yielded ${typeof value}, not a boolean` });
  }
  const errored = results.some((r) => r.result === 'error');
  return { holds: !errored, errored, results };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}
