import picomatch from 'picomatch';
import { compileStandingCondition, runConditions } from './conditions.ts';
import { boundedMemo } from './bounded-memo.ts';
import { GLOB_OPTIONS } from './rule-match.ts';

/** What a standing approval's condition sees of a later proposal (ADR 0004). */
export interface StandingInput {
  action: string;
  resource: string;
  params: Record<string, unknown>;
}

// Globs and conditions are few per requester and reused by every proposal: compile each once, bounded.
const globRe = boundedMemo(1_000, (glob: string) => picomatch.makeRe(glob, GLOB_OPTIONS));

/** Why `expression` cannot be a standing approval's condition (as for rule conditions: CEL, type-checked, under the cost budget), or undefined. */
export function standingConditionProblem(expression: string): string | undefined {
  const compiled = compileStandingCondition(expression);
  return compiled.ok ? undefined : compiled.error;
}

/**
 * The glob and condition matching of standing approvals, as the approval domain asks for it
 * (`StandingChecks`): globs as rules match resources; conditions compiled and run as rule
 * conditions, under the same cost budget and, given a clock (milliseconds), the same time budget.
 * A condition that does not compile, fails or overruns is an error, never `true` (fail closed).
 */
export function standingChecks(clock?: () => number) {
  return {
    resourceMatches: (glob: string, resource: string): boolean => globRe(glob).test(resource),
    holds(expression: string, input: StandingInput): true | false | { error: string } {
      const compiled = compileStandingCondition(expression);
      if (!compiled.ok) return { error: `the condition ${compiled.error}` };
      const activation = { action: input.action, resource: input.resource, params: input.params, context: {}, requester: { id: '', kind: '', groups: [] } };
      const run = runConditions('standing', [compiled.condition], activation, clock);
      if (run.errored) return { error: run.results.find((r) => r.result === 'error')?.error ?? 'the condition could not be evaluated' };
      return run.holds;
    },
  };
}
