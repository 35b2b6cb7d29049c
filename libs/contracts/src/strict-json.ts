import { visit } from 'jsonc-parser';
import { jsonValueProblems, pointerToken, type JsonLimits } from './json-limits.ts';
import type { FieldError } from './validation.ts';

/**
 * JSON as the boundaries accept it: UTF-8 that decodes without replacement characters, RFC 8259
 * syntax (no comments, no trailing commas), no duplicate keys (parsers disagree on which one wins,
 * so a signed or approved body could mean two things), bounded depth and size, well-formed text.
 * The depth is measured by an iterative scan before any recursive parser sees the text.
 */
export type StrictJson = { ok: true; value: unknown } | { ok: false; errors: FieldError[] };

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function parseStrictJson(input: string | Uint8Array, limits: JsonLimits): StrictJson {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (text === undefined) return fail('', 'is not valid UTF-8');
  const tooDeep = firstTooDeep(text, limits.maxDepth);
  if (tooDeep !== undefined) return fail(tooDeep, `is nested more than ${limits.maxDepth} levels deep`);
  const duplicate = firstDuplicateKey(text);
  if (duplicate) return fail(duplicate, 'is a duplicate key: each member name may appear once per object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('', `is not valid JSON: ${syntaxErrorWithoutText((error as Error).message)}`);
  }
  const problems = jsonValueProblems(value, limits);
  return problems.length > 0 ? { ok: false, errors: problems } : { ok: true, value };
}

/**
 * V8's syntax error without the excerpt of the input it quotes (`Unexpected token 'x', "{"apiKey":
 * "sk-…" is not valid JSON`): the message is answered to the client and may be logged, and the
 * body may hold a secret. What is wrong and where (the position) stay.
 */
export function syntaxErrorWithoutText(message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  const what = message
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/ (in|after) JSON at position \d+[\s\S]*$/, (_, where: string) => (where === 'after' ? ' after JSON' : ''))
    .replace(/ is not valid JSON$/, '');
  // Whatever V8's wording becomes, a message that still quotes the input is cut before the quote.
  const unquoted = what.includes('"') ? what.slice(0, what.indexOf('"')).replace(/[\s,.]+$/, '') : what;
  return `${unquoted.slice(0, 120)}${position !== undefined ? ` at position ${position}` : ''}`;
}

const fail = (pointer: string, message: string): StrictJson => ({ ok: false, errors: [{ pointer: pointer || '/', message }] });

/**
 * The pointer of the first object or array nested deeper than `maxDepth` (as jsonValueProblems
 * names it), or undefined. A single pass with an explicit stack of the open containers and where
 * each one is (member name or index), so the field is named however deep the text goes.
 */
function firstTooDeep(text: string, maxDepth: number): string | undefined {
  const open: Array<{ key: string | number; inObject: boolean; expectKey: boolean }> = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const top = open.at(-1);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (top?.inObject && top.expectKey) {
        top.key = memberName(text.slice(i, end + 1));
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length >= maxDepth) return open.map((f) => `/${pointerToken(f.key)}`).join('');
      open.push({ key: c === 0x7b ? '' : 0, inObject: c === 0x7b, expectKey: c === 0x7b });
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
    } else if (c === 0x2c && top) {
      if (top.inObject) top.expectKey = true;
      else top.key = (top.key as number) + 1;
    }
  }
  return undefined;
}

/** The index of the quote closing the string that opens at `start` (or the end of the text). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 1;
    else if (c === 0x22) return i;
  }
  return text.length - 1;
}

/** A member name as JSON spells it, decoded; its raw text when it is not valid JSON (JSON.parse reports that). */
function memberName(quoted: string): string {
  try {
    return String(JSON.parse(quoted));
  } catch {
    return quoted.slice(1, -1);
  }
}

/** The pointer of the first member name repeated within one object, or undefined. */
function firstDuplicateKey(text: string): string | undefined {
  const open: Array<Set<string>> = [];
  let found: string | undefined;
  let syntaxError = false;
  visit(text, {
    onObjectBegin: () => void open.push(new Set()),
    onObjectEnd: () => void open.pop(),
    onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
      const keys = open.at(-1)!;
      if (keys.has(name) && found === undefined) found = [...pathSupplier(), name].map((t) => `/${pointerToken(t)}`).join('');
      keys.add(name);
    },
    onError: () => void (syntaxError = true),
  }, { disallowComments: true, allowTrailingComma: false });
  // Syntax errors are JSON.parse's to report, with its own message.
  return syntaxError ? undefined : found;
}
