/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"): a stream of UTF-8 lines, an
 * event being `id:`, `event:` and `data:` fields ended by a blank line, a comment being a line
 * that starts with `:`. A line ends at CR, LF or CRLF, so nothing written here may hold one: the
 * data is JSON on one line (JSON.stringify escapes control characters inside strings), and ids,
 * event names and comments are checked, never escaped. U+2028 and U+2029 end no SSE line, but
 * they do end JavaScript lines; they are written as JSON escapes all the same.
 */

/** One event of a stream: `id` is what a client sends back as `Last-Event-ID`. */
export interface SseEvent {
  id: string;
  event: string;
  data: unknown;
}

/** What may stand in an id, an event name or a comment: no line ends, no NUL (an id with NUL is ignored). */
const UNSAFE = /[\r\n\0]/;
/** Event names are tokens of ours (event types, `request`, `decision`). */
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** Frames one event; throws on an id or name that could break the framing (a bug, never input). */
export function frameEvent({ id, event, data }: SseEvent): string {
  if (UNSAFE.test(id) || id.length === 0) throw new Error('an SSE id must be one non-empty line without NUL');
  if (!EVENT_NAME.test(event)) throw new Error(`not an SSE event name: ${JSON.stringify(event)}`);
  return `id: ${id}\nevent: ${event}\ndata: ${jsonLine(data)}\n\n`;
}

/** A comment line (heartbeats); clients ignore it. */
export function frameComment(text: string): string {
  if (UNSAFE.test(text)) throw new Error('an SSE comment must be one line');
  return `: ${text}\n\n`;
}

/** How long a client waits before it reconnects after the stream ends. */
export const frameRetry = (ms: number) => `retry: ${Math.max(0, Math.trunc(ms))}\n\n`;

/** JSON on one line; U+2028 and U+2029 escaped as well. */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** The response headers of an event stream: never cached, transformed or buffered by a proxy. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};
