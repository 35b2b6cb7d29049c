import type { ASTNode } from '@marcbachmann/cel-js';
import { PARAMS_LIMITS } from '@countersign/contracts';
import { callOf, childrenOf } from './cel-ast.ts';

/**
 * A static bound on what one evaluation of a condition can cost, computed from its syntax tree
 * when the policy loads; a condition over the budget is refused there, with the estimate. It is
 * the bound for the worst input the boundary lets through: params and context are at most
 * PARAMS_LIMITS (1,000 items a list, 16 KiB a string, 10,000 values), a resource 1,024 characters.
 *
 * Units: one unit is about one step of the evaluator (reading a variable, comparing two numbers,
 * one iteration of a macro), about 0.2 µs, so the budget is about 10 ms; scanning text natively
 * costs one unit per CHARS_PER_UNIT characters, RE2 one per RE2_CHARS_PER_UNIT characters per
 * instruction of the pattern's program (measured: 25 ns a character for 13 instructions). Macros
 * (`all`, `exists`, `exists_one`, `map`, `filter`) cost their range's size times their body, so
 * nested macros over inputs multiply: two levels over params lists are a million iterations.
 */
export const COST_BUDGET = 50_000;
const CHARS_PER_UNIT = 1024;
const RE2_CHARS_PER_UNIT = 64;
/** Reading a time in a named time zone goes through Intl: about 1 ms, like 5,000 steps. */
const TIME_ZONE_COST = 5_000;

/** The most a value may hold: elements (list items, map entries), characters, and its elements' bound. */
interface Size {
  items: number;
  chars: number;
  /** `self`: elements as large as the value (a JSON value from the input); null: none. */
  elem: Size | 'self' | null;
}

const SCALAR: Size = { items: 0, chars: 0, elem: null };
const text = (chars: number): Size => ({ items: 0, chars, elem: null });
const INPUT: Size = { items: Math.max(PARAMS_LIMITS.maxItems, PARAMS_LIMITS.maxKeys), chars: PARAMS_LIMITS.maxStringLength, elem: 'self' };
const VARIABLES: Record<string, Size> = { params: INPUT, context: INPUT, requester: INPUT, action: text(512), resource: text(1024), now: SCALAR };
const TOP: Size = { items: Number.MAX_SAFE_INTEGER, chars: Number.MAX_SAFE_INTEGER, elem: 'self' };

const elemOf = (s: Size): Size => (s.elem === 'self' ? s : (s.elem ?? SCALAR));

function join(a: Size, b: Size, depth = 0): Size {
  if (a === b) return a;
  if (depth > 16) return TOP;
  const items = Math.max(a.items, b.items);
  const chars = Math.max(a.chars, b.chars);
  if (a.elem === null) return { items, chars, elem: b.elem };
  if (b.elem === null) return { items, chars, elem: a.elem };
  if (a.elem === 'self' && b.elem === 'self') return { items, chars, elem: 'self' };
  return { items, chars, elem: join(elemOf(a), elemOf(b), depth + 1) };
}

/** The cost of walking a whole value (deep equality, membership). */
function weight(s: Size, depth = 0): number {
  const own = 1 + s.chars / CHARS_PER_UNIT;
  if (s.items === 0 || s.elem === null) return own;
  if (s.elem === 'self') return Math.max(PARAMS_LIMITS.maxNodes, s.items) * own;
  return depth > 16 ? Infinity : own + s.items * weight(s.elem, depth + 1);
}

type Scope = ReadonlyMap<string, Size>;
interface Estimate {
  cost: number;
  size: Size;
}

/** The estimated worst-case cost of the expression, or why it cannot be estimated (a function conditions may not use). */
export function estimateCost(root: ASTNode, patternSizes: ReadonlyMap<string, number>): { cost: number } | { error: string } {
  try {
    return { cost: Math.ceil(estimate(root, new Map(), patternSizes).cost) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function estimate(node: ASTNode, scope: Scope, patterns: ReadonlyMap<string, number>): Estimate {
  const of = (n: ASTNode, s: Scope = scope) => estimate(n, s, patterns);
  switch (node.op) {
    case 'value':
      return { cost: 1, size: typeof node.args === 'string' ? text(node.args.length) : node.args instanceof Uint8Array ? text(node.args.length) : SCALAR };
    case 'id':
      return { cost: 1, size: scope.get(node.args) ?? (Object.hasOwn(VARIABLES, node.args) ? VARIABLES[node.args] : SCALAR) };
    case '.':
    case '.?':
    case '[]':
    case '[?]': {
      const [container, ...rest] = childrenOf(node).map((c) => of(c));
      return { cost: 1 + container.cost + sum(rest), size: elemOf(container.size) };
    }
    case 'list':
    case 'map': {
      const parts = childrenOf(node).map((c) => of(c));
      const elem = parts.reduce<Size | null>((acc, p) => (acc ? join(acc, p.size) : p.size), null);
      return { cost: 1 + sum(parts) + parts.length, size: { items: parts.length, chars: 0, elem } };
    }
    case 'call':
    case 'rcall':
      return estimateCall(node, scope, patterns);
    default:
      return estimateOperator(node.op, childrenOf(node).map((c) => of(c)));
  }
}

function estimateOperator(op: string, [a, b, c]: Estimate[]): Estimate {
  const operands = 1 + a.cost + (b?.cost ?? 0) + (c?.cost ?? 0);
  switch (op) {
    case '?:':
      return { cost: operands, size: join(b.size, c.size) };
    case '==':
    case '!=':
      return { cost: operands + Math.min(weight(a.size), weight(b.size)), size: SCALAR };
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { cost: operands + Math.min(a.size.chars, b.size.chars) / CHARS_PER_UNIT, size: SCALAR };
    case 'in':
      return { cost: operands + b.size.items * Math.min(weight(a.size), weight(elemOf(b.size))), size: SCALAR };
    case '+': {
      const size = { items: a.size.items + b.size.items, chars: a.size.chars + b.size.chars, elem: join(elemOf(a.size), elemOf(b.size)) };
      return { cost: operands + size.items + size.chars / CHARS_PER_UNIT, size };
    }
    default:
      return { cost: operands, size: SCALAR };
  }
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** Functions that scan their operands' text once, and how large their result can be. */
const SCANS: Record<string, (subject: Size) => Size> = {
  contains: () => SCALAR, indexOf: () => SCALAR, lastIndexOf: () => SCALAR,
  int: () => SCALAR, uint: () => SCALAR, double: () => SCALAR, bool: () => SCALAR, timestamp: () => SCALAR, duration: () => SCALAR,
  lowerAscii: (s) => text(s.chars), upperAscii: (s) => text(s.chars), trim: (s) => text(s.chars), substring: (s) => text(s.chars),
  string: (s) => text(Math.max(32, s.chars)), bytes: (s) => text(4 * s.chars), hex: (s) => text(2 * s.chars), base64: (s) => text(2 * s.chars),
  dyn: (s) => s,
};
const CONSTANT = new Set(['has', 'size', 'startsWith', 'endsWith', 'at', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getFullYear', 'getMonth']);

function estimateCall(node: ASTNode, scope: Scope, patterns: ReadonlyMap<string, number>): Estimate {
  const call = callOf(node)!;
  const of = (n: ASTNode, s: Scope = scope) => estimate(n, s, patterns);
  const [first, ...rest] = call.operands;
  if (call.receiver && MACROS.has(call.name)) {
    const range = of(first);
    const variable = rest[0].op === 'id' ? rest[0].args : '';
    const inner = new Map(scope).set(variable, elemOf(range.size));
    const bodies = rest.slice(1).map((b) => of(b, inner));
    const cost = 1 + range.cost + range.size.items * (1 + sum(bodies));
    if (call.name === 'map') return { cost, size: { items: range.size.items, chars: 0, elem: bodies[bodies.length - 1].size } };
    if (call.name === 'filter') return { cost, size: { items: range.size.items, chars: 0, elem: elemOf(range.size) } };
    return { cost, size: SCALAR };
  }
  if (call.receiver && call.name === 'bind' && first.op === 'id' && first.args === 'cel') {
    const [variable, value, body] = rest;
    const bound = of(value);
    const result = of(body, new Map(scope).set(variable.op === 'id' ? variable.args : '', bound.size));
    return { cost: 1 + bound.cost + result.cost, size: result.size };
  }
  if (call.name === 'has') return { cost: 1 + sum(call.operands.map((o) => of(o))), size: SCALAR };
  const args = call.operands.map((o) => of(o));
  const [subject = { cost: 0, size: SCALAR }, argument = { cost: 0, size: SCALAR }] = args;
  const base = 1 + sum(args);
  const scanned = (subject.size.chars + argument.size.chars) / CHARS_PER_UNIT;
  switch (call.name) {
    case 'matches': {
      const program = patterns.get(rest[0]?.op === 'value' ? String(rest[0].args) : '') ?? Infinity;
      return { cost: base + (subject.size.chars * program) / RE2_CHARS_PER_UNIT, size: SCALAR };
    }
    case 'split':
      return { cost: base + scanned + subject.size.chars, size: { items: subject.size.chars + 1, chars: 0, elem: text(subject.size.chars) } };
    case 'join': {
      const chars = subject.size.items * (elemOf(subject.size).chars + argument.size.chars);
      return { cost: base + subject.size.items + chars / CHARS_PER_UNIT, size: text(chars) };
    }
    case 'json':
      return { cost: base + subject.size.chars, size: { items: subject.size.chars, chars: subject.size.chars, elem: 'self' } };
    default:
      if (Object.hasOwn(SCANS, call.name)) return { cost: base + scanned, size: SCANS[call.name](subject.size) };
      if (CONSTANT.has(call.name)) return { cost: base + (call.name.startsWith('get') && args.length > 1 ? TIME_ZONE_COST : 0), size: SCALAR };
      throw new Error(`uses ${call.name}(), which conditions may not use`);
  }
}

const sum = (parts: readonly Estimate[]) => parts.reduce((total, p) => total + p.cost, 0);
