// `countersign hook claude-code`: one tool call in, one decision out. Fails closed: anything but
// an approval within the time left (a malformed input, Countersign unreachable, a refusal, a
// still-pending action) is a deny with the reason, never an allow and never a crash.
import { createHash } from 'node:crypto';
import { canonicalJson, CountersignUnavailable, RequestRejected, WaitTimedOut, type Action, type Countersign } from '@countersign/sdk';
import { hookOutput, verdictOf, type Verdict } from './decision.ts';
import { parseHookInput, type HookInput } from './hook-input.ts';
import { mapToolCall, type HookMapping } from './mapping.ts';

export interface HookDeps {
  /** Made lazily, so a missing API key is a deny like any other failure. */
  client: () => Pick<Countersign, 'propose' | 'waitForDecision'>;
  /** For messages ("unreachable at …"). */
  url: string;
  /** How long to wait for a decision in all (kept below the hook's own timeout). */
  waitMs: number;
  mapping?: HookMapping;
}

export interface HookRun {
  /** The decision JSON, one line. */
  stdout: string;
  /** One line when something failed (shown in Claude Code's debug output). */
  stderr: string;
}

export async function runClaudeCodeHook(stdinText: string, deps: HookDeps): Promise<HookRun> {
  const parsed = parseHookInput(stdinText);
  if (!parsed.ok) return answer(parsed.event, { allow: false, reason: `Countersign hook refused the call: ${parsed.error}` }, parsed.error);
  try {
    return answer(parsed.input.event, await decide(parsed.input, deps));
  } catch (e) {
    const message = failureText(e, deps.url);
    return answer(parsed.input.event, { allow: false, reason: `Countersign hook refused the call: ${message}` }, message);
  }
}

/**
 * The idempotency key: the same session, tool and input always find the same action, so a hook
 * that fires again, or a retried tool call, picks up that action and its decision.
 */
export function hookIdempotencyKey(input: HookInput): string {
  const call = canonicalJson({ session: input.sessionId, tool: input.toolName, input: input.toolInput });
  return `claude-${createHash('sha256').update(call).digest('hex')}`;
}

async function decide(input: HookInput, deps: HookDeps): Promise<Verdict> {
  const call = mapToolCall(input.toolName, input.toolInput, deps.mapping);
  const client = deps.client();
  const signal = AbortSignal.timeout(Math.max(1, deps.waitMs));
  const deadline = Date.now() + deps.waitMs;
  // Only the session is context: the body must be the same for every retry under the same key.
  const proposed = await client.propose(
    { ...call, context: { claudeCode: { sessionId: input.sessionId } } },
    { idempotencyKey: hookIdempotencyKey(input), signal },
  );
  return verdictOf(await settle(client, proposed, deadline, signal));
}

async function settle(client: Pick<Countersign, 'waitForDecision'>, a: Action, deadline: number, signal: AbortSignal): Promise<Action> {
  if (a.status !== 'pending' && a.status !== 'proposed') return a;
  try {
    return await client.waitForDecision(a.id, { timeout: Math.max(0, deadline - Date.now()), signal });
  } catch (e) {
    if (e instanceof WaitTimedOut) return e.action;
    // Out of time while waiting: the action is still pending as far as anyone knows.
    if (signal.aborted) return a;
    throw e;
  }
}

function failureText(e: unknown, url: string): string {
  if (e instanceof CountersignUnavailable) return `Countersign is unreachable at ${url} (${e.message}); nothing is allowed without it`;
  if (e instanceof RequestRejected) return `Countersign refused the proposal: ${e.message}`;
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `Countersign did not answer within the hook's wait at ${url}; nothing is allowed without it`;
  return e instanceof Error ? e.message : String(e);
}

function answer(event: HookInput['event'], verdict: Verdict, error?: string): HookRun {
  return { stdout: `${JSON.stringify(hookOutput(event, verdict))}\n`, stderr: error ? `countersign hook: ${error.replace(/\s+/g, ' ')}\n` : '' };
}
