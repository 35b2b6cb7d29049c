// The parameters of `countersign request`: `--param k=v` (repeatable), `--params-json '{…}'`,
// `--params-file path`. Pure: the command reads the file and hands over its text.
import { visit } from 'jsonc-parser';
import { safe } from './action-view.ts';
import { UsageError } from './cli-errors.ts';

export interface ParamSources {
  /** Each `--param` as given, in order. */
  param?: readonly string[];
  paramsJson?: string;
  /** The text of `--params-file`, with the name it was given as. */
  paramsFile?: { name: string; text: string };
}

export type Params = Record<string, unknown>;

/**
 * The params object: the JSON object of `--params-json` or `--params-file` (not both), then each
 * `--param k=v` on top of it. A value is JSON when it parses as JSON (`rows=5000` is a number,
 * `dry=true` a boolean, `tags=["a"]` an array) and the text itself otherwise (`format=csv`); to
 * send a string that would parse as JSON, quote it as JSON (`'n="5000"'` is the string "5000").
 */
export function parseParams(sources: ParamSources): Params {
  if (sources.paramsJson !== undefined && sources.paramsFile !== undefined) {
    throw new UsageError('--params-json and --params-file: give one or the other');
  }
  const params: Params = {};
  const base = sources.paramsJson !== undefined
    ? jsonObject(sources.paramsJson, '--params-json')
    : sources.paramsFile !== undefined ? jsonObject(sources.paramsFile.text, `--params-file ${JSON.stringify(sources.paramsFile.name)}`) : {};
  for (const key of Object.keys(base)) put(params, key, base[key]);
  const seen = new Set<string>();
  for (const raw of sources.param ?? []) {
    const [key, value] = keyValue(raw);
    if (seen.has(key)) throw new UsageError(`--param ${JSON.stringify(key)}: given twice`);
    seen.add(key);
    put(params, key, value);
  }
  return params;
}

/** defineProperty, not assignment (nor Object.assign): a key "__proto__" is a member like any other. */
function put(params: Params, key: string, value: unknown): void {
  Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One `--param`: the key is what comes before the first `=`, the value everything after it. */
export function keyValue(raw: string): [string, unknown] {
  const eq = raw.indexOf('=');
  if (eq < 0) throw new UsageError(`--param ${JSON.stringify(raw)}: expected k=v`);
  if (eq === 0) throw new UsageError(`--param ${JSON.stringify(raw)}: the name before "=" is empty`);
  const key = raw.slice(0, eq);
  return [key, paramValue(key, raw.slice(eq + 1))];
}

function paramValue(key: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof value === 'number' && /^-?\d+$/.test(text.trim()) && !Number.isSafeInteger(value)) {
    throw new UsageError(`--param ${JSON.stringify(key)}: ${text.trim()} is beyond 2^53 and would lose precision; ` +
      `send it as a string: '${key}="${text.trim()}"'`);
  }
  if (typeof value === 'object' && value !== null) {
    const duplicate = firstDuplicateKey(text);
    if (duplicate) throw new UsageError(`--param ${JSON.stringify(key)}: ${duplicate} is a duplicate key`);
  }
  return value;
}

/** A JSON object as `--params-json` or `--params-file` must hold: strict syntax, no duplicate member names. */
export function jsonObject(text: string, where: string): Params {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${safe((error as Error).message, 200)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${where}: expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate) throw new UsageError(`${where}: ${duplicate} is a duplicate key (each name may appear once per object)`);
  return value as Params;
}

/**
 * The JSON pointer of the first member name repeated within one object. JSON.parse keeps the
 * last one silently; the server refuses duplicates, but would never see them once re-serialised.
 */
function firstDuplicateKey(text: string): string | undefined {
  const open: Array<Set<string>> = [];
  let found: string | undefined;
  visit(text, {
    onObjectBegin: () => void open.push(new Set()),
    onObjectEnd: () => void open.pop(),
    onObjectProperty: (name, _offset, _length, _line, _column, path) => {
      const keys = open.at(-1)!;
      if (keys.has(name) && found === undefined) found = [...path(), name].map((t) => `/${String(t).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
      keys.add(name);
    },
  }, { disallowComments: true, allowTrailingComma: false });
  return found;
}
