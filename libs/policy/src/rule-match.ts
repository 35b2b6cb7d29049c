import picomatch from 'picomatch';
import type { RequesterMatch } from './policy-schema.ts';

/** What the static part of a match (everything but CEL) looks at. */
export interface MatchInput {
  resource: string;
  context?: Record<string, unknown>;
  requester: { id: string; kind: 'agent' | 'human'; groups: string[] };
}

/** The static parts of a rule's match, as plain data (lists normalised). */
export interface StaticMatch {
  resource?: string;
  requester?: RequesterMatch;
  environment?: string[];
  labels?: Record<string, string[]>;
}

export const GLOB_OPTIONS = { dot: true } as const;

type Test = (input: MatchInput) => boolean;

const anyGlob = (patterns: readonly string[]): ((value: string) => boolean) => {
  const res = patterns.map((p) => picomatch.makeRe(p, GLOB_OPTIONS));
  return (value) => res.some((re) => re.test(value));
};

/**
 * Compiles resource, requester, environment and label matches into one predicate: globs become
 * regular expressions once, and a rule without a part pays nothing for it. Environment and labels
 * come from the proposal's context; a proposal that does not say cannot match a rule that asks.
 */
export function compileStaticMatch(match: StaticMatch): Test | undefined {
  const tests: Test[] = [];
  if (match.resource !== undefined) {
    const re = picomatch.makeRe(match.resource, GLOB_OPTIONS);
    tests.push((i) => re.test(i.resource));
  }
  const who = match.requester;
  if (who?.kind) tests.push((i) => i.requester.kind === who.kind);
  if (who?.principals) {
    const test = anyGlob(who.principals);
    tests.push((i) => test(i.requester.id));
  }
  if (who?.groups) {
    const wanted = new Set(who.groups);
    tests.push((i) => i.requester.groups.some((g) => wanted.has(g)));
  }
  if (match.environment) {
    const test = anyGlob(match.environment);
    tests.push((i) => typeof i.context?.environment === 'string' && test(i.context.environment));
  }
  for (const [key, values] of Object.entries(match.labels ?? {})) {
    const test = anyGlob(values);
    tests.push((i) => {
      const labels = i.context?.labels;
      if (!labels || typeof labels !== 'object' || !Object.hasOwn(labels, key)) return false;
      const value = (labels as Record<string, unknown>)[key];
      return typeof value === 'string' && test(value);
    });
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (input) => tests.every((t) => t(input));
}

export const asList = (value: string | string[]): string[] => (typeof value === 'string' ? [value] : [...value]);
