import { guardKey, type Action, type Countersign } from '@countersign/sdk';

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
 * Proposes the call, always with the same idempotency key for the same tool, call id and
 * canonical arguments: needsApproval and the resolver (even in another process, after a
 * restart) reach the one action, and another call, or other arguments, need their own approval.
 */
export async function proposeToolCall(cs: Countersign, mapping: ToolActionMapping, call: ToolCall, signal?: AbortSignal): Promise<Action> {
  const action = mapping.action(call.toolName);
  const resource = mapping.resource(call.toolName, call.args);
  const justification = mapping.justification?.(call.toolName, call.args);
  const idempotencyKey = await guardKey({ action, resource, params: call.args, key: `openai-agents:${call.toolName}:${call.callId}` });
  return cs.propose(
    { action, resource, params: call.args, ...(justification !== undefined ? { justification } : {}), context: { runtime: 'openai-agents', tool: call.toolName, callId: call.callId } },
    { idempotencyKey, ...(signal ? { signal } : {}) },
  );
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
    const action = await proposeToolCall(cs, mapping, { toolName, callId, args: toolParams(input) });
    return action.status !== 'approved';
  };
}
