import type { FieldError } from './validation.ts';

/**
 * Bounds on a JSON value that enters the system (params, context, whole messages). Checked with
 * an explicit stack, never recursion, so a hostile nesting depth cannot overflow the stack of the
 * process that checks it; the walk stops at the first problem of each kind it meets.
 */
export interface JsonLimits {
  /** Nesting depth: `{}` and `[]` are depth 1, `{"a":{}}` depth 2. */
  maxDepth: number;
  /** Members of one object. */
  maxKeys: number;
  /** Elements of one array. */
  maxItems: number;
  /** UTF-16 code units of one string or key. */
  maxStringLength: number;
  /** Every object member and array element in the whole value, at any depth. */
  maxNodes: number;
}

/**
 * The documented defaults for `params` and `context` of a proposal (docs/security.md). Small on
 * purpose: a proposal describes an action for a human to read, it does not carry the data.
 */
export const PARAMS_LIMITS: JsonLimits = { maxDepth: 32, maxKeys: 256, maxItems: 1000, maxStringLength: 16_384, maxNodes: 10_000 };

/**
 * Bounds for whole log records (events, commands): looser than PARAMS_LIMITS, since records wrap
 * params in their envelope and carry evaluations and policy files, but finite.
 */
export const RECORD_LIMITS: JsonLimits = { maxDepth: 48, maxKeys: 1000, maxItems: 10_000, maxStringLength: 2_000_000, maxNodes: 100_000 };

/** True when the text is well-formed UTF-16: no lone surrogates (they cannot be encoded as UTF-8). */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed();
}

/** The first lone surrogate of a string, as an index, for error messages. */
function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** RFC 6901 escaping of one reference token. */
export const pointerToken = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Every way `value` breaks `limits` or is not plain JSON with well-formed text, as field errors
 * (pointers under `base`). Empty when the value is acceptable. Non-JSON values (functions,
 * undefined, non-finite numbers, class instances) are reported too, since a value that reaches a
 * boundary as parsed JSON can only hold JSON.
 */
export function jsonValueProblems(value: unknown, limits: JsonLimits, base = ''): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const report = (kind: string, pointer: string, message: string) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    problems.push({ pointer: pointer || '/', message });
  };
  const text = (s: string, pointer: string, what: string) => {
    if (s.length > limits.maxStringLength) report(`long-${what}`, pointer, `has a ${what} of ${s.length} characters; at most ${limits.maxStringLength} are allowed`);
    if (!isWellFormedText(s)) report(`unicode-${what}`, pointer, `has a ${what} that is not well-formed Unicode (a lone surrogate at index ${loneSurrogateAt(s)})`);
  };
  const stack: Array<{ v: unknown; pointer: string; depth: number }> = [{ v: value, pointer: base, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, pointer, depth } = stack.pop()!;
    if (typeof v === 'string') {
      text(v, pointer, 'string');
      continue;
    }
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) report('number', pointer, 'is not a finite number');
      continue;
    }
    if (typeof v !== 'object') {
      report('type', pointer, `is a ${typeof v}, which JSON cannot hold`);
      continue;
    }
    if (depth + 1 > limits.maxDepth) {
      report('depth', pointer, `is nested more than ${limits.maxDepth} levels deep`);
      continue;
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxItems) report('items', pointer, `has ${v.length} elements; at most ${limits.maxItems} are allowed`);
      nodes += v.length;
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ v: v[i], pointer: `${pointer}/${i}`, depth: depth + 1 });
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        report('type', pointer, 'is not a plain JSON object');
        continue;
      }
      const keys = Object.keys(v);
      if (keys.length > limits.maxKeys) report('keys', pointer, `has ${keys.length} members; at most ${limits.maxKeys} are allowed`);
      nodes += keys.length;
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i];
        const child = `${pointer}/${pointerToken(key)}`;
        text(key, child, 'key');
        stack.push({ v: (v as Record<string, unknown>)[key], pointer: child, depth: depth + 1 });
      }
    }
    if (nodes > limits.maxNodes) {
      report('nodes', base, `holds more than ${limits.maxNodes} values in all`);
      break;
    }
  }
  return problems;
}
