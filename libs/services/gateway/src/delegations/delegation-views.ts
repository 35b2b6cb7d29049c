import { delegationStatus, type DelegationLedger } from '@countersign/approval';
import type { DelegationView } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import { readsAll, type Principal } from '@countersign/identity';
import type { Collection } from '@countersign/readmodel';
import { RoomFull, type WaitingRoom } from '../answers/waiting-room.ts';
import { Problem } from '../problem.ts';

/** What delegation ids look like (the gateway's UUIDs); anything else names none. */
const DELEGATION_ID = /^[0-9a-f-]{36}$/;

/** The API representation of a delegation (the shared contract): who, for how long, its status now, the votes cast under it. */
export function presentDelegation(view: DelegationView, now: Date) {
  const { _id, visibleTo: _v, ledgerId: _l, lastSeq: _s, updatedAt: _u, ...rest } = view;
  return { id: _id, ...rest, status: delegationStatus(view, now), links: { self: `/v1/delegations/${_id}` } };
}

export const canSeeDelegation = (principal: Principal, view: DelegationView) => readsAll(principal) || view.visibleTo.includes(principal.id);

/** Its delegator, or an admin (auditors read, they never revoke; a delegate cannot end what was given to them). */
export const mayRevokeDelegation = (principal: Principal, view: DelegationView) => view.delegator === principal.id || principal.roles.includes('admin');

/** The delegation, if the caller may see it; otherwise 404 exactly as for an id that does not exist. */
export async function visibleDelegation(views: Collection<DelegationView>, principal: Principal, id: string): Promise<DelegationView> {
  const view = DELEGATION_ID.test(id) ? await views.get(id) : undefined;
  if (!view || !canSeeDelegation(principal, view)) throw new Problem(404, 'delegation-not-found', 'No such delegation.', `There is no delegation ${id} that you can see.`);
  return view;
}

/** The delegator's ledger as the read model has it: what `delegationProblem` checks a new delegation against. */
export function ledgerOf(live: readonly DelegationView[]): DelegationLedger {
  const delegations = Object.fromEntries(live.map((v) => [v._id, {
    granted: { delegationId: v._id, delegator: v.delegator, delegate: v.delegate, from: v.from, until: v.until },
    relayed: [],
    ...(v.revoked ? { revoked: v.revoked } : {}),
  }]));
  return { kind: 'delegations', delegations };
}

/**
 * Sends a command to a delegator's ledger with the ledger watched (entered before the send, so its
 * event cannot pass unseen) and waits for the event of `type` it causes: that event, or undefined
 * when none came within `waitMs` (the ledger refuses silently, e.g. a race with another request).
 */
export async function awaitLedger(room: WaitingRoom, ledgerId: string, type: ActionEvent['type'], waitMs: number, send: () => Promise<string>): Promise<ActionEvent | undefined> {
  let watch;
  try {
    watch = room.enter(ledgerId);
  } catch (error) {
    if (!(error instanceof RoomFull)) throw error;
    throw new Problem(503, 'too-many-waiting', 'Too many requests are waiting for answers.', `This gateway instance holds at most ${room.capacity} requests waiting; nothing was sent. Retry shortly.`,
      undefined, {}, { 'Retry-After': '1' });
  }
  try {
    const commandId = await send();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const event = watch.events.find((e) => e.causationId === commandId && e.type === type);
      if (event) return event;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await watch.next(left);
    }
  } finally {
    watch.leave();
  }
}
