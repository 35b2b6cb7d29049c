// The JSON Claude Code writes on a command hook's stdin for PreToolUse and PermissionRequest
// (https://code.claude.com/docs/en/hooks): checked before anything is proposed, and refused with
// one line saying what is wrong, so a malformed input is denied, never waved through.
import { z } from 'zod';

export const HOOK_EVENTS = ['PreToolUse', 'PermissionRequest'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Far above a real tool call (file contents included); bounds what is read and parsed. */
export const MAX_HOOK_INPUT_BYTES = 1024 * 1024;

export interface HookInput {
  sessionId: string;
  event: HookEvent;
  toolName: string;
  toolInput: Record<string, unknown>;
  toolUseId?: string;
  cwd?: string;
}

export type HookInputResult = { ok: true; input: HookInput } | { ok: false; error: string; event: HookEvent };

const schema = z.looseObject({
  session_id: z.string().min(1).max(256),
  hook_event_name: z.enum(HOOK_EVENTS),
  tool_name: z.string().min(1).max(256),
  tool_input: z.record(z.string(), z.unknown()),
  tool_use_id: z.string().min(1).max(256).optional(),
  cwd: z.string().max(4096).optional(),
});

export function parseHookInput(text: string): HookInputResult {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_HOOK_INPUT_BYTES) return { ok: false, error: `hook input is ${size} bytes; at most ${MAX_HOOK_INPUT_BYTES}`, event: 'PreToolUse' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `hook input is not JSON: ${(e as Error).message}`, event: 'PreToolUse' };
  }
  const event = eventOf(json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the input';
    return { ok: false, error: `hook input: ${where}: ${issue.message}`, event };
  }
  const d = parsed.data;
  return {
    ok: true,
    input: {
      sessionId: d.session_id,
      event: d.hook_event_name,
      toolName: d.tool_name,
      // As JSON.parse gave it, not zod's copy: the copy assigns keys, which turns a `__proto__`
      // key into a prototype and drops it, so the params proposed would not be the tool's input.
      toolInput: (json as { tool_input: Record<string, unknown> }).tool_input,
      ...(d.tool_use_id !== undefined ? { toolUseId: d.tool_use_id } : {}),
      ...(d.cwd !== undefined ? { cwd: d.cwd } : {}),
    },
  };
}

/** The event to answer in, as far as the input says (PreToolUse otherwise). */
function eventOf(json: unknown): HookEvent {
  const name = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).hook_event_name : undefined;
  return name === 'PermissionRequest' ? 'PermissionRequest' : 'PreToolUse';
}
