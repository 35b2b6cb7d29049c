import type { ActionEvent, CastVoteData } from '@countersign/contracts';

/**
 * A delegated vote the ledger relays to its action (ADR 0010): a CastVote with the delegate's own
 * command id, so the action applies it once and the gateway waiting on that id hears the answer.
 */
export interface DelegationFollowUp {
  type: 'CastVote';
  /** The action: the commands topic's key. */
  key: string;
  id: string;
  correlationId: string;
  data: CastVoteData;
}

/** What the events just appended to a delegation ledger ask of actions: each relayed vote, cast. */
export function delegationFollowUps(events: readonly ActionEvent[]): DelegationFollowUp[] {
  const out: DelegationFollowUp[] = [];
  for (const event of events) {
    if (event.type !== 'DelegatedVoteRelayed') continue;
    const d = event.data;
    out.push({ type: 'CastVote', key: d.actionId, id: d.commandId, correlationId: d.actionId, data: d.vote });
  }
  return out;
}
