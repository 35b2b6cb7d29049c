/**
 * The on-disk line format of the embedded log, one record per line:
 *
 *     <crc32 hex> <payload>\n     the last record of its append batch (or a batch of one)
 *     <crc32 hex>+<payload>\n     a record followed by more of the same batch
 *
 * The payload is `{"key":…,"value":<raw JSON>}` (or `{"key":…,"raw":"<text>"}` when the text is
 * not JSON). The checksum of a ` ` line covers the payload; that of a `+` line covers `+` and the
 * payload, so flipping the marker is caught like any other damage. Logs written before batches
 * were marked have only ` ` lines: every record is a complete batch of one, and they open
 * unchanged. The checksum lets a scan tell a torn or damaged write from a record, and the value is
 * stored as its raw text so that opening a log never has to parse values (consumers do, once each).
 */
import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';

/** A record as kept in memory: the key and the value's text, exactly as appended. */
export interface StoredRecord {
  key: string;
  raw: string;
}

export type DecodedLine = { record: StoredRecord; endsBatch: boolean } | { problem: string };

const VALUE_MARK = ',"value":';
const RAW_MARK = ',"raw":';
const CONTINUES = 0x2b; // '+'
const ENDS = 0x20; // ' '
const PREFIX = 9; // 8 hex digits and the marker
const CONTINUES_SEED = crc32('+');

export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Encodes one append batch: every line but the last says the batch goes on. `rawIsJson[i]` must be
 * true only for text known to be JSON (it is then embedded unquoted, unless it holds a line break).
 */
export function encodeBatch(records: readonly StoredRecord[], rawIsJson: readonly boolean[]): string {
  return records.map((r, i) => encodeRecord(r, rawIsJson[i], i === records.length - 1)).join('');
}

export function encodeRecord(record: StoredRecord, rawIsJson: boolean, endsBatch = true): string {
  // JSON may hold raw line breaks as whitespace; embedded, they would split the line.
  const payload = rawIsJson && !/[\n\r]/.test(record.raw)
    ? `{"key":${JSON.stringify(record.key)}${VALUE_MARK}${record.raw}}`
    : `{"key":${JSON.stringify(record.key)}${RAW_MARK}${JSON.stringify(record.raw)}}`;
  const sum = endsBatch ? crc32(payload) : crc32(payload, CONTINUES_SEED);
  return `${hex(sum)}${endsBatch ? ' ' : '+'}${payload}\n`;
}

/** Decodes one line (its bytes, without the newline); says why it is not a record otherwise. */
export function decodeLine(line: Uint8Array): DecodedLine {
  if (line.length < PREFIX + 1 || (line[8] !== ENDS && line[8] !== CONTINUES) || !isHex8(line)) {
    return { problem: 'not a record line (no checksum prefix)' };
  }
  const endsBatch = line[8] === ENDS;
  const payload = line.subarray(PREFIX);
  const sum = endsBatch ? crc32(payload) : crc32(payload, CONTINUES_SEED);
  if (hex(sum) !== Buffer.from(line.subarray(0, 8)).toString('latin1')) return { problem: 'checksum mismatch' };
  if (!isUtf8(payload)) return { problem: 'checksum matches but the payload is not UTF-8' };
  const record = splitPayload(Buffer.from(payload).toString('utf8'));
  return record ? { record, endsBatch } : { problem: 'checksum matches but the payload is malformed' };
}

function hex(sum: number): string {
  return sum.toString(16).padStart(8, '0');
}

function isHex8(line: Uint8Array): boolean {
  for (let i = 0; i < 8; i += 1) {
    const c = line[i];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
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
