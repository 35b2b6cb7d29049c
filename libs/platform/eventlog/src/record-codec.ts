/**
 * The on-disk line format of the embedded log: `<crc32 hex of payload> <payload>\n`.
 * The payload is `{"key":…,"value":<raw JSON>}` (or `{"key":…,"raw":"<text>"}` when the text is
 * not JSON). The checksum lets a scan tell a torn or damaged write from a record, and the value is
 * stored as its raw text so that opening a log never has to parse values (consumers do, once each).
 */
import { crc32 } from 'node:zlib';

/** A record as kept in memory: the key and the value's text, exactly as appended. */
export interface StoredRecord {
  key: string;
  raw: string;
}

const VALUE_MARK = ',"value":';
const RAW_MARK = ',"raw":';

export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `rawIsJson` must be true only for text known to be JSON (it is then embedded unquoted). */
export function encodeRecord(record: StoredRecord, rawIsJson: boolean): string {
  const payload = rawIsJson
    ? `{"key":${JSON.stringify(record.key)}${VALUE_MARK}${record.raw}}`
    : `{"key":${JSON.stringify(record.key)}${RAW_MARK}${JSON.stringify(record.raw)}}`;
  return `${checksum(payload)} ${payload}\n`;
}

/** Decodes one line (without its newline); returns why it is not a record otherwise. */
export function decodeRecord(line: string): StoredRecord | { problem: string } {
  if (line.length < 10 || line[8] !== ' ' || !/^[0-9a-f]{8}$/.test(line.slice(0, 8))) {
    return { problem: 'no checksum prefix' };
  }
  const payload = line.slice(9);
  if (checksum(payload) !== line.slice(0, 8)) return { problem: 'checksum mismatch' };
  const split = splitPayload(payload);
  return split ?? { problem: 'checksum matches but the payload is malformed' };
}

function checksum(payload: string): string {
  return crc32(payload).toString(16).padStart(8, '0');
}

/** Finds the key and the value text without parsing the value. */
function splitPayload(payload: string): StoredRecord | undefined {
  if (!payload.startsWith('{"key":"') || !payload.endsWith('}')) return undefined;
  let end = 8;
  while (end < payload.length) {
    const c = payload.charCodeAt(end);
    if (c === 0x5c /* backslash */) end += 2;
    else if (c === 0x22 /* quote */) break;
    else end += 1;
  }
  const key = parseOr(payload.slice(7, end + 1));
  if (typeof key !== 'string') return undefined;
  const rest = payload.slice(end + 1, -1);
  if (rest.startsWith(VALUE_MARK)) return { key, raw: rest.slice(VALUE_MARK.length) };
  if (rest.startsWith(RAW_MARK)) {
    const raw = parseOr(rest.slice(RAW_MARK.length));
    return typeof raw === 'string' ? { key, raw } : undefined;
  }
  return undefined;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
