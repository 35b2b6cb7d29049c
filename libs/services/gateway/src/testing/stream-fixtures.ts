import { auditEntryId, COLLECTIONS, projectBatch, type ActionView, type AuditEntry, type StoredEvent } from '@countersign/audit';
import type { ActionEvent, DomainEventBody } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { approvedByBob, bobApproves, needsApproval, proposed, sealSteps } from './action-streams.ts';

/** Test fixtures of the streams: actions asking given approvers, and a projector as the audit projector writes. */
export const requestFor = (eligible: string[]): DomainEventBody => ({
  type: 'ApprovalRequested',
  data: {
    rule: 'exports', policyVersion: 'a'.repeat(64), quorum: 1, distinctGroups: false, groups: ['stewards'],
    eligible, eligibleGroups: Object.fromEntries(eligible.map((p) => [p, ['stewards']])), deadline: '2026-01-02T00:00:00.000Z',
  },
});

export const escalatedTo = (added: string[]): DomainEventBody => ({
  type: 'ApprovalEscalated',
  data: { groups: ['sre'], added, addedGroups: Object.fromEntries(added.map((p) => [p, ['sre']])), at: '2026-01-01T00:30:00.000Z' },
});

/** An action asking `eligible`, optionally escalated to `added`, optionally approved by bob. */
export function askedOf(streamId: string, eligible: string[], { added, approved }: { added?: string[]; approved?: boolean } = {}): ActionEvent[] {
  return sealSteps([
    { command: `cmd-${streamId}-propose`, bodies: [proposed, needsApproval, requestFor(eligible)] },
    ...(added ? [{ command: `cmd-${streamId}-escalate`, bodies: [escalatedTo(added)] }] : []),
    ...(approved ? [{ command: `cmd-${streamId}-bob`, bodies: [bobApproves, approvedByBob] }] : []),
  ], streamId);
}

/** Writes `events` into the read models as the audit projector does (rows and entries, then views). */
export async function project(store: ReadModelStore, events: readonly ActionEvent[]): Promise<void> {
  const actions = store.collection<ActionView>(COLLECTIONS.actions);
  const batch = await projectBatch(events, (id) => actions.get(id));
  await store.collection<StoredEvent>(COLLECTIONS.events).putMany(batch.events.map((e) => ({ ...e, _id: auditEntryId(e.streamId, e.seq), eventId: e.id }) as StoredEvent), { versionField: 'seq' });
  await store.collection<AuditEntry>(COLLECTIONS.audit).putMany(batch.entries, { versionField: 'seq' });
  await actions.putMany([...batch.views.values()], { versionField: 'lastSeq' });
}
