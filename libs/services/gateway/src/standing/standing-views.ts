import { projectStanding, standingStatusAt, type StandingView } from '@countersign/audit';
import type { Collection } from '@countersign/readmodel';
import { readsAll, type Principal } from '@countersign/identity';
import { RoomFull, type WaitingRoom } from '../answers/waiting-room.ts';
import type { Caller } from '../auth.ts';
import { Problem } from '../problem.ts';

/** What standing approval ids look like (UUIDs); anything else names none. */
const STANDING_ID = /^[0-9a-f-]{36}$/;

/** The API representation of a standing approval: its terms, uses, what is left of it now, and who granted it. */
export function presentStanding(view: StandingView, now: Date) {
  const { _id, visibleTo: _v, ledgerId: _l, lastSeq: _s, ...rest } = view;
  const remainingSeconds = Math.max(0, Math.floor((Date.parse(view.expiresAt) - now.getTime()) / 1000));
  return {
    id: _id,
    status: standingStatusAt(view, now),
    ...rest,
    remainingSeconds,
    links: { self: `/v1/standing-approvals/${_id}`, source: `/v1/actions/${view.sourceActionId}` },
  };
}

export const canSeeStanding = (principal: Principal, view: StandingView) => readsAll(principal) || view.visibleTo.includes(principal.id);

/** A grantor, an eligible approver of the source action, or an admin (auditors read, they never revoke). */
export const mayRevoke = (principal: Principal, view: StandingView) =>
  view.grantedBy.includes(principal.id) || view.eligible.includes(principal.id) || principal.roles.includes('admin');

/** The standing approval, if the caller may see it; otherwise 404 exactly as for an id that does not exist. */
export async function visibleStanding(views: Collection<StandingView>, caller: Caller, standingId: string): Promise<StandingView> {
  const view = STANDING_ID.test(standingId) ? await views.get(standingId) : undefined;
  if (!view || !canSeeStanding(caller.principal, view)) {
    throw new Problem(404, 'standing-approval-not-found', 'No such standing approval.', `There is no standing approval ${standingId} that you can see.`);
  }
  return view;
}

/** Why this caller cannot revoke it now. */
export function revocationProblem(why: 'not-allowed' | 'revoked' | 'expired', view: StandingView, caller: string, now: Date): Problem {
  const extra = { standingId: view._id, standingStatus: standingStatusAt(view, now) };
  switch (why) {
    case 'not-allowed':
      return new Problem(403, 'not-allowed-to-revoke', 'You may not revoke this standing approval.',
        `Only its grantors (${view.grantedBy.join(', ')}), the eligible approvers of action ${view.sourceActionId}, and admins may revoke it; ${caller} is none of them.`, undefined, extra);
    case 'revoked':
      return new Problem(409, 'already-revoked', 'This standing approval is already revoked.', `It was revoked by ${view.revoked?.by} at ${view.revoked?.at}.`, undefined, extra);
    case 'expired':
      return new Problem(409, 'standing-approval-expired', 'This standing approval has expired.', `It expired at ${view.expiresAt}; it approves nothing any more.`, undefined, extra);
  }
}

/**
 * Sends a revocation with the requester's ledger watched (entered before the send, so its event
 * cannot pass unseen) and waits for the ledger's `StandingApprovalRevoked` for it: the view after
 * it, or undefined when none came within `waitMs` (the ledger refuses silently, e.g. when someone
 * else revoked it first).
 */
export async function awaitRevocation(room: WaitingRoom, view: StandingView, waitMs: number, send: () => Promise<string>): Promise<StandingView | undefined> {
  let watch;
  try {
    watch = room.enter(view.ledgerId);
  } catch (error) {
    if (!(error instanceof RoomFull)) throw error;
    throw new Problem(503, 'too-many-waiting', 'Too many requests are waiting for answers.', `This gateway instance holds at most ${room.capacity} requests waiting; nothing was sent. Retry shortly.`,
      undefined, {}, { 'Retry-After': '1' });
  }
  try {
    const commandId = await send();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const event = watch.events.find((e) => e.causationId === commandId && e.type === 'StandingApprovalRevoked');
      if (event) return projectStanding(view, event);
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await watch.next(left);
    }
  } finally {
    watch.leave();
  }
}
