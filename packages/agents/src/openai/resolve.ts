import { CountersignError, isDecided, type Action, type Countersign } from '@countersign/sdk';
import type { RunToolApprovalItem } from '@openai/agents';
import { paramsFromArguments, proposeToolCall, type ToolActionMapping } from './approval.ts';

export interface ResolveOptions extends ToolActionMapping {
  /** Longest wait for each decision, in ms (WaitTimedOut after it, the state untouched: resolve again later). */
  timeout?: number;
  signal?: AbortSignal;
  onUpdate?: (action: Action) => void;
  /** The text the model gets for a call that was not approved (default: says so, with the reason). */
  rejectionMessage?: (action: Action) => string;
}

/** What happened to one interruption. */
export interface Resolution {
  item: RunToolApprovalItem;
  action: Action;
  approved: boolean;
}

/** What the resolver needs of a `RunState` (any context and agent types). */
export interface ApprovableState {
  getInterruptions(): RunToolApprovalItem[];
  approve(item: RunToolApprovalItem): void;
  reject(item: RunToolApprovalItem, options?: { message?: string }): void;
}

/**
 * Settles the run's tool approvals from Countersign: for each function-call interruption, finds
 * its action (the same idempotency key as needsApproval), waits for the decision, and approves
 * or rejects the call in the state (a rejection carries the reason to the model). Returns the
 * state to resume with `run(agent, state)`. Works on a state restored with `RunState.fromString`.
 * Interruptions of other tools (hosted, shell, computer) are left for the caller.
 */
export async function resolveInterruptions<S extends ApprovableState>(cs: Countersign, from: S | { state: S }, options: ResolveOptions): Promise<S> {
  return (await resolveInterruptionsDetailed(cs, from, options)).state;
}

/** As resolveInterruptions, and says what became of each interruption. */
export async function resolveInterruptionsDetailed<S extends ApprovableState>(
  cs: Countersign,
  from: S | { state: S },
  options: ResolveOptions,
): Promise<{ state: S; resolutions: Resolution[] }> {
  const state: S = 'getInterruptions' in from ? from : from.state;
  const resolutions: Resolution[] = [];
  for (const item of state.getInterruptions()) {
    const raw = item.rawItem;
    if (raw.type !== 'function_call') continue;
    const call = { toolName: item.name ?? raw.name, callId: raw.callId, args: paramsFromArguments(raw.arguments) };
    let action = await proposeToolCall(cs, options, call, options.signal);
    options.onUpdate?.(action);
    if (!isDecided(action.status)) {
      action = await cs.waitForDecision(action.id, {
        seen: action,
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
      });
    }
    const approved = action.status === 'approved';
    if (approved) state.approve(item);
    else if (isDecided(action.status)) state.reject(item, { message: (options.rejectionMessage ?? rejection)(action) });
    else throw new CountersignError(`Action ${action.id} is ${action.status}, not decided`);
    resolutions.push({ item, action, approved });
  }
  return { state, resolutions };
}

/** What the model reads instead of the tool's output: the decision and its reason, so it can adapt. */
export function rejection(action: Action): string {
  const reason = action.decision?.reason ?? action.policy?.reason;
  const what = action.status === 'expired' ? 'expired before anyone approved it' : action.status === 'cancelled' ? 'was cancelled' : 'was denied';
  return `Countersign: this call (action ${action.id}) ${what}${reason ? `: ${reason}` : ''}. It did not run.`;
}
