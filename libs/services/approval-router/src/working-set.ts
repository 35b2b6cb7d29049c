import { canSettle, settle, type ApprovalState, type Settled } from '@countersign/approval';

/**
 * What the router holds of one action: its full state while a command can still do more than be
 * refused or noted (proposed, pending, or a break-glass approval whose review is still to be
 * recorded); the compact form as soon as it is settled otherwise, since the compact form answers
 * every later command exactly as the full state would (libs/approval settled.ts): late votes and
 * cancellations refused as already decided (in the chain for principals involved, up to
 * REJECTION_LIMIT each, else on the security topic: rule 3 unchanged), re-proposals and timers
 * ignored, notification outcomes recorded. So memory and the heads topic grow with open work, and
 * with a few hundred bytes per decided action.
 */
export type Held = { state: ApprovalState; settled?: never } | { settled: Settled; state?: never };

export function held(state: ApprovalState): Held {
  return canSettle(state) ? { settled: settle(state) } : { state };
}
