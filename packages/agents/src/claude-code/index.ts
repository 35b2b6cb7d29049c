export { runClaudeCodeHook, hookIdempotencyKey, type HookDeps, type HookRun } from './hook.ts';
export { parseHookInput, MAX_HOOK_INPUT_BYTES, HOOK_EVENTS, type HookInput, type HookEvent, type HookInputResult } from './hook-input.ts';
export { mapToolCall, parseHookMapping, actionPart, commandName, canonicalResource, type HookMapping, type ToolMapping, type MappedCall } from './mapping.ts';
export { hookOutput, verdictOf, type Verdict } from './decision.ts';
