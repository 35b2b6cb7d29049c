import type { ActionView } from '@countersign/audit';
import type { ActionWaiter } from './action-waiter.ts';
import { readsAll, type Principal } from '@countersign/identity';
import type { Caller } from './auth.ts';
import { Problem } from './problem.ts';

/** What action ids look like (UUIDs, or ids channels carry); anything else names no action. */
const ACTION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Everyone involved sees an action; auditors and admins see all of them. */
export const isActionId = (id: string) => ACTION_ID.test(id);

export const canSee = (principal: Principal, view: ActionView) => readsAll(principal) || view.involved.includes(principal.id);

/**
 * The action, if the caller may see it. Otherwise 404 exactly as for an id that does not exist, so
 * ids reveal nothing: not to a reader, and not to a vote, cancel or review, which is refused here,
 * before any command is sent (an outsider learns no status, rule or requester, and adds nothing
 * to the action's chain).
 */
export async function visibleAction(waiter: ActionWaiter, caller: Caller, id: string): Promise<ActionView> {
  const view = ACTION_ID.test(id) ? await waiter.get(id) : undefined;
  if (!view || !canSee(caller.principal, view)) throw new Problem(404, 'action-not-found', 'No such action.', `There is no action ${id} that you can see.`);
  return view;
}
