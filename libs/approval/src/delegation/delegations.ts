import type { ActionEvent, ApprovalDelegatedData } from '@countersign/contracts';

/**
 * A delegator's ledger of delegations (ADR 0010), folded from its stream by `evolveDelegations`:
 * every delegation not yet past its end, revoked ones included (so an id is never granted twice),
 * with the delegated votes it relayed (so a redelivered vote is relayed once). The one writer of
 * the ledger (the router owning its partition) decides every delegated vote against it, in order
 * with revocations: a vote decided after a revocation never counts.
 *
 * The ledger forgets a delegation once an event of the stream comes after its end, as requester
 * ledgers forget standing approvals (ADR 0004): the state holds live delegations only.
 */
export interface DelegationLedger {
  kind: 'delegations';
  delegations: Record<string, DelegationRecord>;
}

export interface DelegationRecord {
  granted: ApprovalDelegatedData;
  revoked?: { by: string; at: string; reason?: string };
  /** The ids of the delegated votes relayed under it: each is relayed once. */
  relayed: string[];
}

export const initialDelegations: DelegationLedger = { kind: 'delegations', delegations: {} };

export type DelegationStatus = 'scheduled' | 'active' | 'expired' | 'revoked';

/** What a delegation is at `now`. */
export function delegationStatus(d: { from: string; until: string; revoked?: unknown }, now: Date): DelegationStatus {
  if (d.revoked) return 'revoked';
  const t = now.getTime();
  if (t >= Date.parse(d.until)) return 'expired';
  return t < Date.parse(d.from) ? 'scheduled' : 'active';
}

/** Whether `record` lets its delegate vote for its delegator at `now`. */
export function isActiveDelegation(record: DelegationRecord, now: Date): boolean {
  return delegationStatus({ ...record.granted, revoked: record.revoked }, now) === 'active';
}

/**
 * Folds one event of a delegation ledger. Every event was written by `decideDelegations`, so one
 * that cannot follow (a revocation or relay under an unknown delegation, an action's event) means a
 * corrupt or foreign stream: we throw rather than guess.
 */
export function evolveDelegations(state: DelegationLedger, event: ActionEvent): DelegationLedger {
  const at = Date.parse(event.occurredAt);
  const delegations: Record<string, DelegationRecord> = {};
  for (const [id, record] of Object.entries(state.delegations)) {
    if (Date.parse(record.granted.until) > at) delegations[id] = record;
  }
  const known = (id: string) => (Object.hasOwn(delegations, id) ? delegations[id] : undefined);
  switch (event.type) {
    case 'ApprovalDelegated':
      if (known(event.data.delegationId)) break;
      return { kind: 'delegations', delegations: { ...delegations, [event.data.delegationId]: { granted: event.data, relayed: [] } } };
    case 'DelegationRevoked': {
      const record = known(event.data.delegationId);
      if (!record || record.revoked) break;
      const { by, reason } = event.data;
      const revoked = { by, at: event.occurredAt, ...(reason !== undefined ? { reason } : {}) };
      return { kind: 'delegations', delegations: { ...delegations, [event.data.delegationId]: { ...record, revoked } } };
    }
    case 'DelegatedVoteRelayed': {
      const record = known(event.data.delegationId);
      if (!record || record.revoked || record.relayed.includes(event.data.commandId)) break;
      return { kind: 'delegations', delegations: { ...delegations, [event.data.delegationId]: { ...record, relayed: [...record.relayed, event.data.commandId] } } };
    }
    default:
      break;
  }
  throw new Error(`delegation: ${event.type} (seq ${event.seq} of stream ${event.streamId}) cannot follow this delegation ledger`);
}
