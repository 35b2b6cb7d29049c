import { parseStrictJson } from '@countersign/contracts';
import { answerable, CHAT_PAYLOAD_LIMITS } from '../integrations/chat-input.ts';
import type { InvalidParam } from '../problem.ts';

/** A Slack payload: a JSON object whose fields are checked one by one where they are read. */
export type SlackJson = Record<string, unknown>;

export type SlackPayloadRead = { ok: true; payload: SlackJson } | { ok: false; problems: InvalidParam[] };

/** Bytes a URL-encoded form may hold: printable ASCII, everything else percent-encoded. */
const FORM_BYTES = /^[\x21-\x7e]*$/;

const refuse = (detail: string, pointer?: string): SlackPayloadRead => ({
  ok: false, problems: [{ parameter: 'payload', ...(pointer !== undefined ? { pointer } : {}), detail }],
});

/**
 * Slack posts interactions as `payload=<JSON>`, form-encoded. Read strictly: the form is ASCII,
 * `payload` appears once, its percent-encoding decodes to well-formed UTF-8, and the JSON passes
 * parseStrictJson (no duplicate keys, bounded depth and size, no lone surrogates) and is an
 * object. Problems point into the payload JSON.
 */
export function readSlackPayload(rawBody: Buffer): SlackPayloadRead {
  const form = rawBody.toString('latin1');
  if (!FORM_BYTES.test(form)) return { ok: false, problems: [{ parameter: 'body', detail: 'is not a URL-encoded form: it holds bytes that must be percent-encoded' }] };
  const values: string[] = [];
  for (const field of form.split('&')) {
    const eq = field.indexOf('=');
    if ((eq < 0 ? field : field.slice(0, eq)) === 'payload') values.push(eq < 0 ? '' : field.slice(eq + 1));
  }
  if (values.length !== 1) return refuse(values.length === 0 ? 'is missing: Slack sends payload=<JSON>' : `is given ${values.length} times; once is expected`);
  let json: string;
  try {
    json = decodeURIComponent(values[0].replace(/\+/g, ' '));
  } catch {
    return refuse('is not percent-encoded UTF-8');
  }
  const parsed = parseStrictJson(json, CHAT_PAYLOAD_LIMITS);
  if (!parsed.ok) return { ok: false, problems: parsed.errors.map((e) => answerable(e, 'payload')) };
  const payload = parsed.value;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return refuse('is not a JSON object', '/');
  return { ok: true, payload: payload as SlackJson };
}
