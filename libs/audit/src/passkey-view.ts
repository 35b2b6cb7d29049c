import type { ActionEvent } from '@countersign/contracts';
import type { ActionView } from './action-view.ts';
import { auditEntryFor, type AuditEntry } from './audit-entry.ts';

/**
 * A principal's passkey as the gateway reads it to verify step-up assertions (ADR 0009): projected
 * from PasskeyRegistered and PasskeyRemoved in the principal's ledger. A removed passkey stays, with
 * `removedAt`, so the audit can name the key a past vote used; the gateway uses live ones only.
 */
export interface PasskeyView {
  /** `<principal>:<credentialId>`: credential ids are the authenticator's, so they are scoped to their owner. */
  _id: string;
  principal: string;
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  aaguid?: string;
  registeredAt: string;
  removedAt?: string;
  removedBy?: string;
  /** The ledger stream it is recorded in. */
  ledgerId: string;
  lastSeq: number;
  [key: string]: unknown;
}

export const passkeyViewId = (principal: string, credentialId: string) => `${principal}:${credentialId}`;

/** What auditors see a passkey event as: the principal's passkeys as the resource. */
export const PASSKEY_AUDIT_ACTION = 'countersign.passkey';

export interface PasskeyBatch {
  views: Map<string, PasskeyView>;
  entries: AuditEntry[];
  events: ActionEvent[];
}

/** Folds passkey events (in stream order) over the stored views; an event already projected (by seq) changes nothing. */
export async function projectPasskeyBatch(events: readonly ActionEvent[], load: (id: string) => Promise<PasskeyView | undefined>): Promise<PasskeyBatch> {
  const batch: PasskeyBatch = { views: new Map(), entries: [], events: [] };
  const current = new Map<string, PasskeyView | undefined>();
  for (const event of events) {
    if (event.type !== 'PasskeyRegistered' && event.type !== 'PasskeyRemoved') continue;
    const id = passkeyViewId(event.data.principal, event.data.credentialId);
    const before = current.has(id) ? current.get(id) : await load(id);
    if (before && before.lastSeq >= event.seq) continue;
    const after = projectPasskey(before, event);
    if (!after) continue;
    current.set(id, after);
    batch.views.set(id, after);
    const subject = { action: PASSKEY_AUDIT_ACTION, resource: `principals/${after.principal}/passkeys/${after.credentialId}`, requester: after.principal } as unknown as ActionView;
    batch.entries.push(auditEntryFor(subject, event));
    batch.events.push(event);
  }
  return batch;
}

function projectPasskey(before: PasskeyView | undefined, event: ActionEvent): PasskeyView | undefined {
  switch (event.type) {
    case 'PasskeyRegistered': {
      const d = event.data;
      return {
        _id: passkeyViewId(d.principal, d.credentialId), principal: d.principal, credentialId: d.credentialId, publicKey: d.publicKey, counter: d.counter,
        transports: d.transports, name: d.name, ...(d.aaguid ? { aaguid: d.aaguid } : {}), registeredAt: event.occurredAt, ledgerId: event.streamId, lastSeq: event.seq,
      };
    }
    case 'PasskeyRemoved':
      if (!before) return undefined;
      return { ...before, removedAt: event.occurredAt, removedBy: event.data.removedBy, lastSeq: event.seq };
    default:
      return undefined;
  }
}
