import { getConfig, interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import {
  assertApproved, CountersignError, guardKey, isDecided, paramsHash, RequestRejected, WaitTimedOut,
  type Action, type Countersign, type GrantResponse, type GuardSpec,
} from '@countersign/sdk';

/**
 * The action a graph step performs: the SDK's guard spec, whose `key` here tells apart two
 * approvals of the same action, resource and params in one node of one thread.
 */
export type ApprovalSpec = GuardSpec;

export interface RequireApprovalOptions {
  /** The node's config (its second argument); default: the running node's, from getConfig(). */
  config?: LangGraphRunnableConfig;
  /** After a resume, wait this long (ms) for a decision that has not come yet before interrupting again (default 0). */
  resumeWait?: number;
  /** Fetch the approved action's grant (default true). */
  grant?: boolean;
  signal?: AbortSignal;
}

/** The value the graph is interrupted with: what the people asked must decide, for a UI or a log. */
export interface ApprovalInterrupt {
  type: 'countersign-approval';
  actionId: string;
  status: Action['status'];
  action: string;
  resource: string;
  /** Who may approve (by name and by group), and how many must. */
  approvers: string[];
  groups: string[];
  quorum?: number;
  approvals?: number;
  deadline?: string;
}

export interface ApprovedAction {
  action: Action;
  /** The signed grant of the approval; absent when it was redeemed or has expired. */
  grant?: GrantResponse;
}

/**
 * Inside a graph node: proposes the step (idempotency key from the thread id, the node and the
 * spec), and until Countersign has decided raises `interrupt()` with the pending action. Resume
 * the graph with `new Command({ resume: … })` once the decision is in: whatever the resume value
 * says, the decision is read again from Countersign. Returns the approved action (with its
 * grant), or throws ActionDenied, ActionExpired or ActionCancelled; a resume before the decision
 * interrupts again. Never wrap the call in a try/catch that swallows LangGraph's GraphInterrupt.
 */
export async function requireApproval(cs: Countersign, spec: ApprovalSpec, options: RequireApprovalOptions = {}): Promise<ApprovedAction> {
  const config = options.config ?? getConfig();
  const threadId = config?.configurable?.thread_id;
  if (typeof threadId !== 'string' && typeof threadId !== 'number') {
    throw new CountersignError('requireApproval needs a thread_id in the config (configurable.thread_id) and a checkpointer to resume');
  }
  const node = String((config.metadata as { langgraph_node?: unknown } | undefined)?.langgraph_node ?? '');
  const params = spec.params ?? {};
  const signal = options.signal ? { signal: options.signal } : {};
  const hash = await paramsHash(params);
  const idempotencyKey = await guardKey({ action: spec.action, resource: spec.resource, params, key: `langgraph:${threadId}:${node}:${spec.key ?? ''}` });

  let action = await proposeOrFind(cs, spec, params, idempotencyKey, signal);
  // Each turn of the loop is one interrupt(): on a replay, LangGraph answers the ones already
  // resumed with their resume values, which are ignored: only Countersign's decision counts.
  for (;;) {
    if (action.paramsHash !== undefined && action.paramsHash !== hash) {
      throw new CountersignError(`Action ${action.id} has params hash ${action.paramsHash}, not ${hash}: refusing`);
    }
    if (isDecided(action.status)) return settle(cs, action, options.grant !== false, signal);
    interrupt<ApprovalInterrupt>(pendingValue(action));
    action = await readAgain(cs, action, options.resumeWait ?? 0, signal);
  }
}

async function proposeOrFind(cs: Countersign, spec: ApprovalSpec, params: Record<string, unknown>, idempotencyKey: string, signal: { signal?: AbortSignal }): Promise<Action> {
  const { key: _key, ...input } = spec;
  try {
    return await cs.propose({ ...input, params }, { idempotencyKey, ...signal });
  } catch (error) {
    // Proposed before with another justification or context: the same step, the same action.
    const id = error instanceof RequestRejected && error.code === 'idempotency-key-reused' ? (error.problem as { actionId?: unknown }).actionId : undefined;
    if (typeof id !== 'string') throw error;
    return cs.get(id, signal);
  }
}

async function readAgain(cs: Countersign, seen: Action, wait: number, signal: { signal?: AbortSignal }): Promise<Action> {
  if (wait <= 0) return cs.get(seen.id, signal);
  try {
    return await cs.waitForDecision(seen.id, { timeout: wait, ...signal });
  } catch (error) {
    if (error instanceof WaitTimedOut) return error.action;
    throw error;
  }
}

async function settle(cs: Countersign, action: Action, withGrant: boolean, signal: { signal?: AbortSignal }): Promise<ApprovedAction> {
  assertApproved(action);
  if (!withGrant) return { action };
  try {
    return { action, grant: await cs.getGrant(action.id, signal) };
  } catch (error) {
    // The approval stands; its grant is spent or stale, which the caller can see by its absence.
    if (error instanceof RequestRejected && (error.code === 'already-redeemed' || error.code === 'grant-expired')) return { action };
    throw error;
  }
}

function pendingValue(action: Action): ApprovalInterrupt {
  const approval = action.approval;
  return {
    type: 'countersign-approval',
    actionId: action.id,
    status: action.status,
    action: action.action ?? '',
    resource: action.resource ?? '',
    approvers: approval?.eligible ?? [],
    groups: approval?.groups ?? [],
    ...(approval?.quorum !== undefined ? { quorum: approval.quorum } : {}),
    ...(approval?.approvals !== undefined ? { approvals: approval.approvals } : {}),
    ...(approval?.deadline !== undefined ? { deadline: approval.deadline } : {}),
  };
}
