import picomatch from 'picomatch';
import { slackCode } from './display-text.ts';

export const REDACTED = '[redacted]';

/**
 * How much of the parameters a message shows. The budget is in rendered characters of the
 * pretty-printed JSON (Slack's escaping counted), so the whole block fits in one Slack section
 * (3,000 characters) with its heading; Teams facts and webhook payloads stay well inside theirs.
 */
export interface ParamsDisplayLimits {
  /** Longer strings are cut here (code points), ending in "…". */
  maxString: number;
  /** Longer keys are cut here (code points), ending in "…". */
  maxKey: number;
  /** Objects and arrays nested deeper are left out (their values counted as not shown). */
  maxDepth: number;
  /** Rendered characters of the whole block. */
  budget: number;
}

export const PARAMS_DISPLAY: ParamsDisplayLimits = { maxString: 1000, maxKey: 100, maxDepth: 6, budget: 2800 };

/** How many parameter values there are, how many the message shows, and how many of those are cut. */
export interface ParamsShown {
  values: number;
  shown: number;
  cut: number;
}

const OMIT = Symbol('omitted');
type Shown = unknown;

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => v !== null && typeof v === 'object';
const childrenOf = (v: Record<string, unknown> | unknown[]): unknown[] => (Array.isArray(v) ? v : Object.values(v));

/** Scalars and empty objects or arrays, at any depth: what "values" counts. Iterative: depth is not bounded here. */
function countValues(value: unknown): number {
  let count = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    const children = isContainer(v) ? childrenOf(v) : [];
    if (children.length === 0) count += 1;
    else stack.push(...children);
  }
  return count;
}

function cutChars(text: string, max: number): { text: string; cut: boolean } {
  const chars = [...text];
  return chars.length <= max ? { text, cut: false } : { text: `${chars.slice(0, max - 1).join('')}…`, cut: true };
}

/**
 * Parameters as messages show them: values of keys matching a `redactParams` glob (at any depth,
 * case-insensitively) become "[redacted]" (and count as one value, shown); long strings and keys
 * are cut; values nested too deep, or past the budget, are left out. Objects lose members, arrays
 * keep a prefix only (so every index shown is the real one). The counts say exactly what was left
 * out or cut, for the notice every message carries then. The log keeps the parameters as proposed.
 */
export function displayParams(
  params: Record<string, unknown>,
  redactGlobs: readonly string[] = [],
  limits: ParamsDisplayLimits = PARAMS_DISPLAY,
): { params: Record<string, unknown>; shown: ParamsShown } {
  const matchers = redactGlobs.map((g) => picomatch(g, { nocase: true, dot: true }));
  const secret = (key: string) => matchers.some((m) => m(key));
  const cost = (text: string) => slackCode(text).length;
  let budget = limits.budget;
  const counts: ParamsShown = { values: 0, shown: 0, cut: 0 };

  const leaf = (value: unknown, prefix: number, cut: boolean): Shown => {
    counts.values += 1;
    let shown = value;
    if (typeof value === 'string') {
      const fitted = cutChars(value, limits.maxString);
      shown = fitted.text;
      cut ||= fitted.cut;
    }
    // Each line: indent and key (the prefix), the value, and a comma and newline (counted always: an upper bound).
    const needed = prefix + cost(JSON.stringify(shown)) + 2;
    if (needed > budget) return OMIT;
    budget -= needed;
    counts.shown += 1;
    if (cut) counts.cut += 1;
    return shown;
  };

  const show = (value: unknown, depth: number, prefix: number, cut: boolean): Shown => {
    if (!isContainer(value) || childrenOf(value).length === 0) return leaf(value, prefix, cut);
    const brackets = prefix + 2 * depth + cost('{\n},\n');
    if (depth > limits.maxDepth || brackets > budget) {
      counts.values += countValues(value);
      return OMIT;
    }
    budget -= brackets;
    const indent = 2 * (depth + 1);
    let out: Shown;
    if (Array.isArray(value)) {
      const items: Shown[] = [];
      let stopped = false;
      for (const item of value) {
        // show() counts every value it is given, shown or not; after a gap the rest is only counted.
        if (stopped) {
          counts.values += countValues(item);
          continue;
        }
        const shown = show(item, depth + 1, indent, cut);
        if (shown === OMIT) stopped = true;
        else items.push(shown);
      }
      out = items.length > 0 ? items : OMIT;
    } else {
      const entries: [string, Shown][] = [];
      const keys = new Set<string>();
      for (const [key, child] of Object.entries(value)) {
        const shownKey = cutChars(key, limits.maxKey);
        if (keys.has(shownKey.text)) {
          counts.values += secret(key) ? 1 : countValues(child);
          continue;
        }
        const keyPrefix = indent + cost(JSON.stringify(shownKey.text)) + 2;
        const shown = secret(key) ? leaf(REDACTED, keyPrefix, cut || shownKey.cut) : show(child, depth + 1, keyPrefix, cut || shownKey.cut);
        if (shown === OMIT) continue;
        keys.add(shownKey.text);
        entries.push([shownKey.text, shown]);
      }
      out = entries.length > 0 ? Object.fromEntries(entries) : OMIT;
    }
    if (out === OMIT) budget += brackets;
    return out;
  };

  if (Object.keys(params).length === 0) return { params: {}, shown: counts };
  const top = show(params, 0, 0, false);
  return { params: top === OMIT ? {} : (top as Record<string, unknown>), shown: counts };
}
