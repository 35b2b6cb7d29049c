import type { ActionEvent, StandingApprovalGrantedData } from '@countersign/contracts';
import { evolvePasskeys, type PasskeyRecord } from '../step-up-passkeys.ts';

/**
 * A requester's ledger of standing approvals (ADR 0004), folded from its stream by `evolveLedger`:
 * every standing approval not yet past its expiry, with its use count. The one writer of the
 * ledger stream (the router owning its partition) decides every use, so the count is exact.
 *
 * The ledger forgets a standing approval once an event of the stream comes after its expiry: it
 * can never be used or revoked again, and a late duplicate of its grant is refused by its expiry
 * too. So the state (and the head record carrying it) holds live approvals only, whatever the
 * history: at most `maxUses` action ids each.
 */
export interface LedgerState {
  kind: 'ledger';
  approvals: Record<string, StandingRecord>;
  /** The principal's live passkeys by credential id (ADR 0009); absent until one is registered. */
  passkeys?: Record<string, PasskeyRecord>;
}

export interface StandingRecord {
  granted: StandingApprovalGrantedData;
  uses: number;
  /** The actions it approved, in order: a use repeated for one of them counts once. */
  usedBy: string[];
  revoked?: { by: string; at: string; reason?: string };
}

export const initialLedger: LedgerState = { kind: 'ledger', approvals: {} };

/** Whether `record` may approve anything at `now`: not revoked, uses left, not expired. */
export function isLive(record: StandingRecord, now: Date): boolean {
  return !record.revoked && record.uses < record.granted.maxUses && now.getTime() < Date.parse(record.granted.expiresAt);
}

/** What `record` is now: for views and refusals. */
export function standingStatus(record: StandingRecord, now: Date): 'active' | 'revoked' | 'exhausted' | 'expired' {
  if (record.revoked) return 'revoked';
  if (now.getTime() >= Date.parse(record.granted.expiresAt)) return 'expired';
  return record.uses >= record.granted.maxUses ? 'exhausted' : 'active';
}

/**
 * Folds one event of a ledger stream. Every event was written by `decideLedger`, so one that cannot
 * follow (a use or revocation of an unknown approval, an action's event) means a corrupt or foreign
 * stream: we throw rather than guess.
 */
export function evolveLedger(state: LedgerState, event: ActionEvent): LedgerState {
  const at = Date.parse(event.occurredAt);
  const approvals: Record<string, StandingRecord> = {};
  for (const [id, record] of Object.entries(state.approvals)) {
    if (Date.parse(record.granted.expiresAt) > at) approvals[id] = record;
  }
  // Passkeys never expire: they stay until removed.
  const keys = state.passkeys ? { passkeys: state.passkeys } : {};
  switch (event.type) {
    case 'PasskeyRegistered':
    case 'PasskeyRemoved': {
      const passkeys = evolvePasskeys(state.passkeys ?? {}, event);
      if (!passkeys) break;
      return { kind: 'ledger', approvals, passkeys };
    }
    case 'StandingApprovalGranted':
      if (Object.hasOwn(approvals, event.data.standingId)) break;
      return { kind: 'ledger', ...keys, approvals: { ...approvals, [event.data.standingId]: { granted: event.data, uses: 0, usedBy: [] } } };
    case 'StandingApprovalUsed': {
      const record = Object.hasOwn(approvals, event.data.standingId) ? approvals[event.data.standingId] : undefined;
      if (!record || event.data.use !== record.uses + 1) break;
      return { kind: 'ledger', ...keys, approvals: { ...approvals, [event.data.standingId]: { ...record, uses: event.data.use, usedBy: [...record.usedBy, event.data.actionId] } } };
    }
    case 'StandingApprovalRevoked': {
      const record = Object.hasOwn(approvals, event.data.standingId) ? approvals[event.data.standingId] : undefined;
      if (!record || record.revoked) break;
      const { revokedBy, reason } = event.data;
      const revoked = { by: revokedBy, at: event.occurredAt, ...(reason !== undefined ? { reason } : {}) };
      return { kind: 'ledger', ...keys, approvals: { ...approvals, [event.data.standingId]: { ...record, revoked } } };
    }
    default:
      break;
  }
  throw new Error(`standing: ${event.type} (seq ${event.seq} of stream ${event.streamId}) cannot follow this requester ledger`);
}
