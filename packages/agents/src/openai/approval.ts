import { canonicalJson, CountersignError, paramsHash, RequestRejected, type Action, type Countersign } from '@countersign/sdk';

/** How a tool call becomes a Countersign action. The same mapping serves needsApproval and the resolver. */
export interface ToolActionMapping {
  /** The action type of a tool, e.g. `(tool) => \`agents.\${tool}\``. */
  action: (toolName: string) => string;
  /** The resource a call touches, from its arguments, e.g. `(tool, args) => \`files/\${args.path}\``. */
  resource: (toolName: string, args: Record<string, unknown>) => string;
  /** Shown to approvers; not part of the idempotency key. */
  justification?: (toolName: string, args: Record<string, unknown>) => string | undefined;
}

/** One tool call, as both the approval function and the resolver see it. */
export interface ToolCall {
  toolName: string;
  callId: string;
  args: Record<string, unknown>;
}

/**
 * The params of a call: its arguments when they are an object (a tool with a schema), else
 * `{ input }` (a tool that takes a string), so both sides of the approval hash the same thing.
 */
export function toolParams(input: unknown): Record<string, unknown> {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { input };
}

/** The params of a call from the raw arguments of the model's function call (JSON text). */
export function paramsFromArguments(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  try {
    return toolParams(JSON.parse(text));
  } catch {
    return { input: text };
  }
}

/**
 * The idempotency key of one tool call: its tool name and the model's call id. The arguments are
 * not in it because the two sides see them differently: needsApproval gets the input as the
 * tool's schema normalised it (defaults filled in), the resolver only the model's raw arguments.
 * The key makes both reach the one action (after a restart too); what was approved are the
 * normalised arguments, which needsApproval proposed and the tool runs with.
 */
export async function toolCallKey(toolName: string, callId: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson({ runtime: 'openai-agents', tool: toolName, callId })));
  return `openai-agents-${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Proposes the call under its key. When the key was used with another body (the resolver's raw
 * arguments, another justification), the server names the action it made (`409
 * idempotency-key-reused`), and that action is this call's.
 */
export async function proposeToolCall(cs: Countersign, mapping: ToolActionMapping, call: ToolCall, signal?: AbortSignal): Promise<Action> {
  const justification = mapping.justification?.(call.toolName, call.args);
  const idempotencyKey = await toolCallKey(call.toolName, call.callId);
  const input = {
    action: mapping.action(call.toolName),
    resource: mapping.resource(call.toolName, call.args),
    params: call.args,
    ...(justification !== undefined ? { justification } : {}),
    context: { runtime: 'openai-agents', tool: call.toolName, callId: call.callId },
  };
  try {
    return await cs.propose(input, { idempotencyKey, ...(signal ? { signal } : {}) });
  } catch (error) {
    const id = error instanceof RequestRejected && error.code === 'idempotency-key-reused' ? (error.problem as { actionId?: unknown }).actionId : undefined;
    if (typeof id !== 'string') throw error;
    return cs.get(id, signal ? { signal } : {});
  }
}

/** The shape of `tool({ needsApproval })`'s function in @openai/agents. */
export type NeedsApproval = (runContext: unknown, input: unknown, callId?: string) => Promise<boolean>;

/**
 * A `needsApproval` function for `tool({ name, needsApproval })`: it proposes the call and answers
 * false (run it) only when policy allowed it at once; anything else (pending, denied) interrupts
 * the run, and resolveInterruptions settles it from Countersign's decision. Errors (Countersign
 * unreachable) are thrown, so the run stops and the tool never runs: it fails closed.
 */
export function countersignApproval(cs: Countersign, mapping: ToolActionMapping): (toolName: string) => NeedsApproval {
  return (toolName) => async (_runContext, input, callId) => {
    if (!callId) throw new Error(`countersign: the call of tool ${toolName} has no call id: cannot tell it from others`);
    const args = toolParams(input);
    const action = await proposeToolCall(cs, mapping, { toolName, callId, args });
    // A call id seen before with other arguments (a replayed conversation): never ride on that
    // action's decision.
    if (action.paramsHash !== undefined && action.paramsHash !== (await paramsHash(args))) {
      throw new CountersignError(`countersign: call ${callId} of tool ${toolName} was proposed before with other arguments (action ${action.id}): refusing`);
    }
    return action.status !== 'approved';
  };
}
