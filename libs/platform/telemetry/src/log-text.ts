/**
 * Text from users (reasons, comments, resources, ids) written into an operator's log: control and
 * line-breaking characters are shown as escapes, so a reason with a newline or an ANSI sequence
 * cannot forge a log line or repaint a terminal. Long text is cut, saying so.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeForLog(text: string, max = 500): string {
  const cut = text.length > max ? `${text.slice(0, max)}…(${text.length - max} more characters)` : text;
  return cut
    .replace(/\\/g, '\\\\')
    .replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
