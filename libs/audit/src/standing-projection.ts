import type { ActionEvent } from '@countersign/contracts';
import { auditEntryFor, type AuditEntry } from './audit-entry.ts';
import type { ActionView } from './action-view.ts';
import { projectStanding, standingIdOf, type StandingView } from './standing-view.ts';

export interface StandingBatch {
  views: Map<string, StandingView>;
  /** Audit rows of the ledger events: grants, uses and revocations are part of the trail. */
  entries: AuditEntry[];
  /** The raw events applied (their chain is the ledger's). */
  events: ActionEvent[];
  /** Events about a standing approval no grant was seen for (out of order or foreign). */
  orphans: ActionEvent[];
}

/**
 * Applies a batch of requester-ledger events (ADR 0004) to the standing approvals they touch, as
 * `projectBatch` does for actions: `load` gives the stored view, each is loaded once per batch, and
 * a redelivered event changes nothing. Each applied event also gets its audit row, with the
 * standing approval's action, resource glob and requester.
 */
export async function projectStandingBatch(
  events: readonly ActionEvent[],
  load: (standingId: string) => Promise<StandingView | undefined>,
): Promise<StandingBatch> {
  const batch: StandingBatch = { views: new Map(), entries: [], events: [], orphans: [] };
  const current = new Map<string, StandingView | undefined>();
  for (const event of events) {
    const id = standingIdOf(event);
    if (id === undefined) {
      batch.orphans.push(event);
      continue;
    }
    const before = current.has(id) ? current.get(id) : await load(id);
    const after = projectStanding(before, event);
    current.set(id, after ?? before);
    if (!after) {
      batch.orphans.push(event);
      continue;
    }
    if (after === before) continue;
    batch.views.set(id, after);
    const subject = { action: after.action, resource: after.resource, requester: after.requester } as unknown as ActionView;
    batch.entries.push(auditEntryFor(subject, event));
    batch.events.push(event);
  }
  return batch;
}
