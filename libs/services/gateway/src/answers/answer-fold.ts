import { projectAction, type ActionView } from '@countersign/audit';
import { DECISION_TYPES, GENESIS_HASH, type ActionEvent, type RejectionCode } from '@countersign/contracts';

/**
 * Pure answers from the events the gateway's follower saw for one action (see waiting-room.ts):
 * the same projection the audit projector applies (`projectAction`), applied only where the
 * events provably continue the view they are folded onto, so an answer never shows a state the
 * log did not have.
 */

/** Whether `event` is the next event of the stream `view` shows: the next seq, chained to its head. */
export const continues = (view: ActionView, event: ActionEvent): boolean =>
  event.seq === view.lastSeq + 1 && event.prevHash === view.headHash;

const startsStream = (event: ActionEvent): boolean => event.seq === 1 && event.prevHash === GENESIS_HASH;

/**
 * `view` advanced by the events that continue it, in seq order, up to the first gap; events it
 * shows already (redeliveries, or what the read model had) are skipped. Without a view, the fold
 * starts at the stream's first event, so a new proposal's view comes from the log alone.
 */
export function advance(view: ActionView | undefined, events: readonly ActionEvent[]): ActionView | undefined {
  let current = view;
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (current && event.seq <= current.lastSeq) continue;
    if (current ? !continues(current, event) : !startsStream(event)) break;
    current = projectAction(current, event);
  }
  return current;
}

/** What the router did with one command, as its events say; `seq` is the last event it caused. */
export type CommandOutcome =
  | { kind: 'done'; seq: number }
  | { kind: 'rejected'; seq: number; code: RejectionCode; reason: string };

/** The outcome of `commandId` (the events whose causationId it is), or undefined while none came. */
export function outcomeOf(events: readonly ActionEvent[], commandId: string): CommandOutcome | undefined {
  let seq = 0;
  let rejection: { code: RejectionCode; reason: string } | undefined;
  for (const event of events) {
    if (event.causationId !== commandId) continue;
    seq = Math.max(seq, event.seq);
    if (event.type === 'CommandRejected') rejection = { code: event.data.code, reason: event.data.reason };
  }
  if (seq === 0) return undefined;
  return rejection ? { kind: 'rejected', seq, ...rejection } : { kind: 'done', seq };
}

/** The view once policy has answered a proposal (pending approval, or decided); undefined before. */
export function proposalAnswer(events: readonly ActionEvent[]): ActionView | undefined {
  const view = advance(undefined, events);
  return view && view.status !== 'proposed' ? view : undefined;
}

/** The seq of the event that decided the action, if the follower saw it. */
export function decisionSeq(events: readonly ActionEvent[]): number | undefined {
  return events.find((e) => (DECISION_TYPES as readonly string[]).includes(e.type))?.seq;
}

/** The later of two views of one action (the one further along its stream). */
export const newer = (a: ActionView | undefined, b: ActionView | undefined): ActionView | undefined =>
  !a ? b : !b ? a : b.lastSeq > a.lastSeq ? b : a;
