/**
 * Maps read-model documents to what every MongoDB-wire server stores, and back, exactly.
 *
 * Read models carry caller-supplied JSON (an action's `params` and `context`, the raw events),
 * and FerretDB v1 refuses some legal JSON: keys containing `.` or starting with `$` ("invalid
 * key") and arrays directly inside arrays ("nested arrays are not supported"). One such proposal
 * would make every write of its batch fail, and the projector would stall on it. So:
 * - keys are percent-escaped: `%` → `%25`, `.` → `%2E`, NUL → `%00`, a leading `$` → `%24`
 *   (`%` first, so decoding is unambiguous; ordinary keys are unchanged);
 * - an array inside an array is wrapped as `{ "%array": [...] }`: no escaped key can be
 *   `%array`, because a real key `%array` is stored as `%25array`.
 * Applied on every server (MongoDB 7 too), so both hold the same bytes. Queries are unaffected
 * except on a path through an escaped key or a nested array, which nothing queries.
 */

const ARRAY_MARKER = '%array';
const KEY_UNSAFE = /%|\.|\0|^\$/g;
const KEY_ESCAPE = /%(25|2E|00|24)/g;
const ESCAPES: Record<string, string> = { '%': '%25', '.': '%2E', '\0': '%00', $: '%24' };
const UNESCAPES: Record<string, string> = { '25': '%', '2E': '.', '00': '\0', '24': '$' };

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

export const encodeKey = (key: string): string => key.replace(KEY_UNSAFE, (c) => ESCAPES[c]);
export const decodeKey = (key: string): string => key.replace(KEY_ESCAPE, (_, code: string) => UNESCAPES[code]);

function encodeValue(value: unknown, inArray: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => encodeValue(item, true));
    return inArray ? { [ARRAY_MARKER]: items } : items;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Dropped rather than stored as null: JSON has no undefined, and the memory store's copies
    // compare equal to JSON round trips.
    if (value[key] === undefined) continue;
    out[encodeKey(key)] = encodeValue(value[key], false);
  }
  return out;
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === ARRAY_MARKER && Array.isArray(value[ARRAY_MARKER])) {
    return (value[ARRAY_MARKER] as unknown[]).map(decodeValue);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[decodeKey(key)] = decodeValue(value[key]);
  return out;
}

/** A new document safe to store on FerretDB v1 and MongoDB alike. */
export const encodeDocument = <T extends Record<string, unknown>>(doc: T): Record<string, unknown> =>
  encodeValue(doc, false) as Record<string, unknown>;

/** The document as it was put (new objects: the caller may change them freely). */
export const decodeDocument = <T>(stored: Record<string, unknown>): T => decodeValue(stored) as T;
