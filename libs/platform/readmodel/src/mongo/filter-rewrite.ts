/**
 * Rewrites negations on dotted paths into `$nor`, which means the same on MongoDB and is the
 * only form FerretDB v1 answers correctly.
 *
 * FerretDB v1.24 evaluates `{ 'votes.voter': { $ne: 'alice' } }` as "some vote is by someone
 * else": a document whose votes are by `x` and `alice` matches, where MongoDB (and mingo) say
 * "no vote is by alice". `$nin` and `$not` have the same fault; `$nor` is right. MongoDB
 * defines all three as the negation of the positive match, including documents without the
 * field, so `{ p: { $ne: v } }` ≡ `{ $nor: [{ p: { $eq: v } }] }`,
 * `{ p: { $nin: vs } }` ≡ `{ $nor: [{ p: { $in: vs } }] }` and
 * `{ p: { $not: e } }` ≡ `{ $nor: [{ p: e }] }`. Paths without a dot are left alone: FerretDB
 * gets those right, and they keep the form MongoDB's planner knows best.
 */
import type { Filter } from '../read-model.port.ts';

const LOGICAL = new Set(['$and', '$or', '$nor']);

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RegExp) &&
  Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));

/** Returns the positive condition whose negation `op` is, or undefined if `op` is no negation. */
function positiveOf(op: string, arg: unknown): unknown {
  switch (op) {
    case '$ne':
      return { $eq: arg };
    case '$nin':
      return { $in: arg };
    case '$not':
      return arg;
    default:
      return undefined;
  }
}

export function rewriteFilter(filter: Filter): Filter {
  const out: Filter = {};
  const negated: Filter[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (LOGICAL.has(key) && Array.isArray(value)) {
      out[key] = value.map((clause) => rewriteFilter(clause as Filter));
    } else if (key.includes('.') && !key.startsWith('$') && isOperatorObject(value)) {
      const kept: Record<string, unknown> = {};
      for (const [op, arg] of Object.entries(value)) {
        const positive = positiveOf(op, arg);
        if (positive === undefined) kept[op] = arg;
        else negated.push(rewriteFilter({ [key]: positive })); // `$not` may hold a `$ne`
      }
      if (Object.keys(kept).length > 0) out[key] = kept;
    } else {
      out[key] = value;
    }
  }
  if (negated.length > 0) out.$nor = [...((out.$nor as Filter[] | undefined) ?? []), ...negated];
  return out;
}
