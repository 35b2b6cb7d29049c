import picomatch from 'picomatch';
import { checkResource } from './resource-path.ts';

/**
 * What a glob in a policy or principals file may be. Globs are compiled to backtracking regular
 * expressions (picomatch), matched against text that requesters choose, so a glob must say what it
 * matches plainly and match in bounded time:
 *
 * - no negation (`!data.read`) and no extglobs (`!(…)`, `+(…)`, `*(…)`, `?(…)`, `@(…)`): a
 *   rule matches what it names; exceptions are written as conditions or more specific rules;
 * - few wildcards that compete for the same characters: every `**`, plus the `*` of the busiest
 *   segment (all of them when braces are used). Each one more multiplies the worst-case time of
 *   a match by the input's length: two cost about 2 ms on a 1 KiB resource, three 250 ms.
 */
export const MAX_COMPETING_WILDCARDS = 2;

export function globProblem(pattern: string, maxWildcards = MAX_COMPETING_WILDCARDS): string | undefined {
  const scan = picomatch.scan(pattern, { scanToEnd: true });
  if (scan.negated || scan.negatedExtglob) {
    return 'is negated ("!…"), which is not supported: a pattern matches what it names. For an exception, add a condition (when: \'action != "data.read"\') or a more specific rule (deny beats require_approval beats allow)';
  }
  if (scan.isExtglob) return 'uses an extglob such as +(…), *(…), ?(…) or @(…); only *, **, ?, [...] and {a,b} are supported';
  const competing = competingWildcards(pattern);
  if (competing > maxWildcards) {
    return `has ${competing} wildcards that can match the same characters; at most ${maxWildcards} ${maxWildcards === 1 ? 'is' : 'are'} allowed here, since each one more multiplies the time a match can take`;
  }
  return undefined;
}

/**
 * A glob over resource paths. Resources are refused unless canonical (`checkResource`), so a glob
 * must be written in that form too: one that is not (`/prod/**`, `prod//**`, `prod/../x/**`) either
 * could never match (and would silently protect nothing) or means something other than it reads;
 * one with a backslash, an encoded separator, or text that is not NFC could never match at all.
 */
export function resourceGlobProblem(glob: string): string | undefined {
  const general = globProblem(glob);
  if (general) return general;
  if (glob.includes('\\')) {
    return 'contains a backslash, which no resource path contains; separate segments with "/", and match a literal *, ? or [ with [*], [?] or [[]';
  }
  const check = checkResource(glob);
  if (check.ok) return undefined;
  if (check.canonical !== undefined) {
    return `is not in canonical form (resources have no empty, "." or ".." segments and no leading or trailing "/", and a glob is written as the paths it matches): write "${check.canonical}"`;
  }
  return `could never match a resource: it ${check.problem}`;
}

/** Every `**` segment, plus the most `*` runs of any one segment (every run when braces may span segments). */
function competingWildcards(glob: string): number {
  const perSegment: number[] = [0];
  let globstars = 0;
  let braces = false;
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i];
    if (c === '\\') i += 1;
    else if (c === '[') i = Math.max(i, glob.indexOf(']', i + 2));
    else if (c === '{') braces = true;
    else if (c === '/') perSegment.push(0);
    else if (c === '*') {
      let end = i;
      while (glob[end + 1] === '*') end += 1;
      const alone = (i === 0 || glob[i - 1] === '/') && (end === glob.length - 1 || glob[end + 1] === '/');
      if (end > i && alone) globstars += 1;
      else perSegment[perSegment.length - 1] += 1;
      i = end;
    }
  }
  return globstars + (braces ? perSegment.reduce((a, b) => a + b, 0) : Math.max(...perSegment));
}
