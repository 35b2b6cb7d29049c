import { COLLECTIONS, passkeyViewId, type PasskeyView } from '@countersign/audit';
import type { ReadModelStore } from '@countersign/readmodel';

/** The passkeys read model (projected from the principals' ledgers, ADR 0009), as the gateway reads it. */
export class PasskeyStore {
  constructor(private readonly store: ReadModelStore) {}

  private get views() {
    return this.store.collection<PasskeyView>(COLLECTIONS.passkeys);
  }

  /** A principal's live passkeys, oldest first. */
  async live(principal: string): Promise<PasskeyView[]> {
    const rows = await this.views.find({ principal });
    return rows.filter((p) => !p.removedAt).sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a._id.localeCompare(b._id));
  }

  /** One of the principal's passkeys, live or not. */
  async get(principal: string, credentialId: string): Promise<PasskeyView | undefined> {
    return this.views.get(passkeyViewId(principal, credentialId));
  }
}

/** A passkey as the API shows it: never the public key. */
export function presentPasskey(p: PasskeyView) {
  return {
    id: p.credentialId, name: p.name, transports: p.transports, registeredAt: p.registeredAt,
    ...(p.aaguid ? { aaguid: p.aaguid } : {}), ...(p.removedAt ? { removedAt: p.removedAt, removedBy: p.removedBy } : {}),
  };
}
