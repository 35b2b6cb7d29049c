import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { ActionCancelled, ActionDenied, ActionExpired, type Countersign } from '@countersign/sdk';
import { requireApproval, type ApprovalSpec, type ApprovedAction, type RequireApprovalOptions } from './approval.ts';

export type NotApproved = ActionDenied | ActionExpired | ActionCancelled;

export interface ApprovalNodeOptions<S, U, V = U> extends Omit<RequireApprovalOptions, 'config'> {
  /** The state update once approved (e.g. the action id, for the guarded node to check). */
  onApproved: (approved: ApprovedAction, state: S) => U | Promise<U>;
  /** The state update when denied, expired or cancelled; without it, the error is thrown. */
  onRejected?: (error: NotApproved, state: S) => V | Promise<V>;
}

/**
 * A graph node that only asks for approval: put it before the guarded node and route on what it
 * writes to the state, so the guarded node holds no approval logic and runs only after it.
 */
export function approvalNode<S, U, V = U>(cs: Countersign, spec: (state: S) => ApprovalSpec, options: ApprovalNodeOptions<S, U, V>) {
  const { onApproved, onRejected, ...rest } = options;
  return async (state: S, config: LangGraphRunnableConfig): Promise<U | V> => {
    let approved: ApprovedAction;
    try {
      approved = await requireApproval(cs, spec(state), { ...rest, config });
    } catch (error) {
      // Anything else (LangGraph's GraphInterrupt first of all) must reach the graph unchanged.
      const notApproved = error instanceof ActionDenied || error instanceof ActionExpired || error instanceof ActionCancelled;
      if (notApproved && onRejected) return onRejected(error, state);
      throw error;
    }
    return onApproved(approved, state);
  };
}
