import type { ErrorObject } from 'ajv';
import { valueAt } from './yaml-source.ts';

/** One schema violation, worded for a person editing the YAML file. */
export interface SchemaProblem {
  pointer: string;
  message: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

/**
 * Turns ajv errors into one message per field. `hints` explains patterns in words
 * (keyed by the pattern's source), so nobody has to read a regular expression.
 */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined, data: unknown, hints: Record<string, string>): SchemaProblem[] {
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors ?? []) {
    const problem = describe(e, data, hints);
    const key = `${problem.pointer} ${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function describe(e: ErrorObject, data: unknown, hints: Record<string, string>): SchemaProblem {
  const pointer = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  const got = () => ` (got ${JSON.stringify(valueAt(data, e.instancePath))})`;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(params.additionalProperty)}`, message: 'is not an allowed property' };
    case 'enum':
      return { pointer, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { pointer, message: `must be ${String(params.allowedValue)}${got()}` };
    case 'type': {
      const types = String(params.type).split(',');
      return { pointer, message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}` };
    }
    case 'pattern':
      return { pointer, message: `${hints[String(params.pattern)] ?? `must match ${String(params.pattern)}`}${got()}` };
    case 'format':
      return { pointer, message: `must be a valid ${String(params.format)}${got()}` };
    case 'minimum':
      return { pointer, message: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { pointer, message: `must be at most ${String(params.limit)}` };
    case 'minLength':
      return { pointer, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { pointer, message: `must be at most ${String(params.limit)} characters` };
    case 'minItems':
      return { pointer, message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items` };
    case 'uniqueItems':
      return { pointer, message: `must not repeat an item (items ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))} are equal)` };
    default:
      return { pointer, message: e.message ?? 'is invalid' };
  }
}
