// What the model sees when the gate does not run a call: tool results it can read and adapt to
// (docs/agents.md "What the model sees"). Refusals are `isError: true`; "pending" is not an error,
// the call may still run.
import type { Action } from '@countersign/sdk';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Stop } from './approval.ts';

export const WAIT_TOOL = 'countersign_wait';

const text = (message: string, isError: boolean): CallToolResult => ({ content: [{ type: 'text', text: message }], ...(isError ? { isError: true } : {}) });

export const what = (a: Action) => `action ${a.id}${a.action ? ` (${a.action} on ${a.resource})` : ''}`;
export const ruleOf = (a: Action) => a.decision?.rule ?? a.policy?.rule;

/** A denial, expiry or cancel: the tool did not run, and why. */
export function refusal(action: Action): CallToolResult {
  const rule = ruleOf(action) ? ` (rule ${ruleOf(action)})` : '';
  const reason = action.decision?.reason ?? action.policy?.reason;
  const because = reason ? `: ${reason}` : '';
  switch (action.status) {
    case 'denied':
      return text(`Countersign denied this call${rule}${because}. The tool did not run; ${what(action)}. Do not retry it unchanged.`, true);
    case 'expired':
      return text(`The approval request for this call expired${rule}${action.approval?.deadline ? ` at ${action.approval.deadline}` : ''} before anyone approved it${because}. The tool did not run; ${what(action)}.`, true);
    default:
      return text(`The call was cancelled${rule}${because}. The tool did not run; ${what(action)}.`, true);
  }
}

/** Still undecided after the gate's bound: who must approve, and how to keep waiting. */
export function pending(action: Action): CallToolResult {
  return text(
    `This call is pending approval and has not run yet: ${what(action)} needs ${awaited(action)}. ` +
      `To keep waiting, call the tool ${WAIT_TOOL} with {"actionId": "${action.id}"}; it runs the call once it is approved. ` +
      'Do not repeat the original call: that would ask for a new approval.',
    false,
  );
}

/** Who must approve a pending action, and by when. */
export function awaited(action: Action): string {
  const a = action.approval;
  return a
    ? `approval from ${a.groups.join(', ')} (quorum ${a.quorum}${a.eligible.length ? `; eligible: ${a.eligible.join(', ')}` : ''}; ${a.approvals} approval(s) so far) before ${a.deadline}`
    : 'a decision';
}

/** Countersign could not be reached or refused the proposal: fail closed. */
export function unavailable(error: unknown): CallToolResult {
  return text(`Countersign could not be reached, so this call was refused and the tool did not run (fail closed): ${message(error)}`, true);
}

export function rejected(error: unknown): CallToolResult {
  return text(`Countersign refused to consider this call, and the tool did not run: ${message(error)}`, true);
}

export function invalidCall(detail: string): CallToolResult {
  return text(`The call was refused and the tool did not run: ${detail}`, true);
}

/** What the model sees when an action did not run: the answer for each way it stopped. */
export function stopped(stop: Stop): CallToolResult {
  switch (stop.kind) {
    case 'pending': return pending(stop.action);
    case 'refused': return refusal(stop.action);
    case 'rejected': return rejected(stop.error);
    case 'unavailable': return unavailable(stop.error);
    case 'already-run': return invalidCall(`action ${stop.action.id} was approved and has already run; an approval runs once. Call the tool again to ask for a new approval.`);
  }
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The tool the gate adds to the upstream's list. */
export const WAIT_TOOL_DEFINITION = {
  name: WAIT_TOOL,
  title: 'Wait for a Countersign approval',
  description:
    'Resumes a tool call that is pending approval in Countersign. Pass the actionId from the pending result. ' +
    'Waits a while for the decision; once approved it runs the original call (exactly once) and returns its result, ' +
    'if still pending it says so again, and if denied, expired or cancelled it returns the reason.',
  inputSchema: {
    type: 'object' as const,
    properties: { actionId: { type: 'string', description: 'The action id from the pending result' } },
    required: ['actionId'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
};
