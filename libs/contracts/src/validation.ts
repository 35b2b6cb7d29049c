import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { COMMAND_TYPES, type ActionCommand } from './commands.ts';
import { EVENT_TYPES, type ActionEvent } from './events.ts';
import { COMMAND_DATA_SCHEMAS, commandEnvelopeSchema } from './schemas/command-schemas.ts';
import { EVENT_DATA_SCHEMAS, eventEnvelopeSchema } from './schemas/event-schemas.ts';
import { jsonValueProblems, RECORD_LIMITS } from './json-limits.ts';

// ajv-formats ships CommonJS with a default export; unwrap it under both module systems.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** One field that failed validation: a JSON pointer and what is wrong with it. */
export interface FieldError {
  pointer: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();

/** Turns ajv errors into pointers at the field at fault (missing properties point at themselves). */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, base = ''): FieldError[] {
  return (errors ?? []).map((e) => {
    let pointer = base + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') pointer += `/${(e.params as { missingProperty: string }).missingProperty}`;
    if (e.keyword === 'additionalProperties') {
      pointer += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not an allowed property';
    }
    if (e.keyword === 'enum') message += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    return { pointer: pointer || '/', message };
  });
}

/**
 * Compiled on first use: compiling every event and command schema at import took about a quarter
 * of a second of each process's start, and most processes meet a few types only. (Every schema is
 * compiled by the unit tests, so a schema ajv refuses fails there, not in production.)
 */
function validator<T>(schema: object): (value: unknown, base?: string) => Validation<T> {
  let fn: ValidateFunction | undefined;
  return (value, base = '') => {
    fn ??= ajv.compile(schema);
    return fn(value) ? { ok: true, value: value as T } : { ok: false, errors: toFieldErrors(fn.errors, base) };
  };
}

const eventEnvelope = validator<ActionEvent>(eventEnvelopeSchema);
const eventData = Object.fromEntries(EVENT_TYPES.map((t) => [t, validator(EVENT_DATA_SCHEMAS[t])]));
const commandEnvelope = validator<ActionCommand>(commandEnvelopeSchema);
const commandData = Object.fromEntries(COMMAND_TYPES.map((t) => [t, validator(COMMAND_DATA_SCHEMAS[t])]));

/**
 * Bounded, plain JSON with well-formed text: checked before any schema, so that a record no
 * process could hash or store (a lone surrogate, a hostile depth) is refused as invalid, with the
 * field named, instead of failing later in every consumer that touches it.
 */
function plainJson<T>(value: unknown): Validation<T> | undefined {
  const problems = jsonValueProblems(value, RECORD_LIMITS);
  return problems.length > 0 ? { ok: false, errors: problems } : undefined;
}

/** Validates a whole event: bounds and text, envelope, known type, and the data of that type. */
export function validateEvent(value: unknown): Validation<ActionEvent> {
  const bad = plainJson<ActionEvent>(value);
  if (bad) return bad;
  const env = eventEnvelope(value);
  if (!env.ok) return env;
  const check = eventData[env.value.type];
  if (!check) return { ok: false, errors: [{ pointer: '/type', message: `unknown event type "${env.value.type}"` }] };
  const data = check(env.value.data, '/data');
  return data.ok ? env : data;
}

/** Validates a whole command: bounds and text, envelope, known type, and the data of that type. */
export function validateCommand(value: unknown): Validation<ActionCommand> {
  const bad = plainJson<ActionCommand>(value);
  if (bad) return bad;
  const env = commandEnvelope(value);
  if (!env.ok) return env;
  const check = commandData[env.value.type];
  if (!check) return { ok: false, errors: [{ pointer: '/type', message: `unknown command type "${env.value.type}"` }] };
  const data = check(env.value.data, '/data');
  return data.ok ? env : data;
}

export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.pointer} ${e.message}`).join('; ');
}
