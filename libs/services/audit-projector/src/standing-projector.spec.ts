import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS, type AuditEntry, type StandingView, type StoredEvent } from '@countersign/audit';
import { contentHash, sealEvents, standingLedgerId, TOPICS, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { Projector } from './projector.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEDGER = standingLedgerId('etl');
const EXPIRES = new Date(T0 + 3600_000).toISOString();
const router = { id: 'approval-router', kind: 'service' } as const;

function ledgerEvents(...bodies: DomainEventBody[]): ActionEvent[] {
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: router })), {
    streamId: LEDGER, causationId: 'cmd', correlationId: 'act-0', now: () => new Date(T0 + 1000 * n++), newId: () => `evt-${n}`,
  }) as ActionEvent[];
}
const delivered = (events: ActionEvent[]): DeliveredRecord[] =>
  events.map((e, i) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(i), raw: JSON.stringify(e), value: e }));

const granted: DomainEventBody = {
  type: 'StandingApprovalGranted',
  data: {
    standingId: 's-1', sourceActionId: 'act-0', requester: { id: 'etl', kind: 'agent', identities: [] }, action: 'data.export', resource: 'prod/**',
    maxUses: 3, grantedAt: new Date(T0).toISOString(), expiresAt: EXPIRES, grantedBy: ['alice'], rule: 'exports', policyVersion: 'pv-1', eligible: ['alice'],
  },
};
const used: DomainEventBody = {
  type: 'StandingApprovalUsed', data: { standingId: 's-1', actionId: 'act-1', use: 1, maxUses: 3, expiresAt: EXPIRES, resource: 'prod/orders', paramsHash: contentHash({}) },
};

describe('the projector, for requester ledgers', () => {
  it('projects standing approvals with their raw events and audit rows, never as orphan actions, and idempotently', async () => {
    const store = createMemoryReadModelStore();
    const warnings: string[] = [];
    const projector = new Projector({ store, now: () => new Date(T0), warn: (m) => warnings.push(m) });
    const events = ledgerEvents(granted, used);
    await projector.project(delivered(events.slice(0, 1)));
    await projector.project(delivered(events));
    const view = await store.collection<StandingView>(COLLECTIONS.standing).get('s-1');
    assert.deepEqual([view?.uses, view?.remaining, view?.lastSeq], [1, 2, 2]);
    const rows = await store.collection<StoredEvent>(COLLECTIONS.events).find({ streamId: LEDGER });
    assert.equal(rows.length, 2);
    const audit = await store.collection<AuditEntry>(COLLECTIONS.audit).find({ actionId: LEDGER });
    assert.deepEqual(audit.map((a) => a.type).sort(), ['StandingApprovalGranted', 'StandingApprovalUsed']);
    assert.equal(await store.collection(COLLECTIONS.actions).count({}), 0);
    assert.deepEqual(warnings, []);
  });

  it('warns about a use of a grant it never saw, and writes nothing for it', async () => {
    const store = createMemoryReadModelStore();
    const warnings: string[] = [];
    const projector = new Projector({ store, now: () => new Date(T0), warn: (m) => warnings.push(m) });
    await projector.project(delivered(ledgerEvents(granted, used).slice(1)));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /StandingApprovalUsed #2 .* no standing approval granted before it/);
    assert.equal(await store.collection(COLLECTIONS.standing).count({}), 0);
  });
});
