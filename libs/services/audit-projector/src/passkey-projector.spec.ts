import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS, type AuditEntry, type PasskeyView, type StoredEvent } from '@countersign/audit';
import { passkeyLedgerId, sealEvents, TOPICS, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { Projector } from './projector.ts';

// Passkeys (ADR 0009) are projected from the principals' ledgers into the passkeys read model the
// gateway verifies step-ups against, with their raw events and audit rows.
const T0 = Date.UTC(2026, 11, 3);
const LEDGER = passkeyLedgerId('alice');
const alice = { id: 'alice', kind: 'human' } as const;

function ledgerEvents(...bodies: DomainEventBody[]): ActionEvent[] {
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: alice })), {
    streamId: LEDGER, causationId: 'cmd', correlationId: LEDGER, now: () => new Date(T0 + 1000 * n++), newId: () => `evt-${n}`,
  }) as ActionEvent[];
}
const delivered = (events: ActionEvent[]): DeliveredRecord[] =>
  events.map((e, i) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(i), raw: JSON.stringify(e), value: e }));

const registered: DomainEventBody = {
  type: 'PasskeyRegistered',
  data: { principal: 'alice', credentialId: 'Y3JlZC0x', publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal'], name: 'laptop' },
};
const removed: DomainEventBody = { type: 'PasskeyRemoved', data: { principal: 'alice', credentialId: 'Y3JlZC0x', removedBy: 'alice' } };

describe('the projector, for passkeys', () => {
  it('given a registration then a removal, when projected twice over, then the passkey view, raw events and audit rows are written once', async () => {
    const store = createMemoryReadModelStore();
    const warnings: string[] = [];
    const projector = new Projector({ store, now: () => new Date(T0), warn: (m) => warnings.push(m) });
    const events = ledgerEvents(registered, removed);
    await projector.project(delivered(events.slice(0, 1)));
    const live = await store.collection<PasskeyView>(COLLECTIONS.passkeys).get('alice:Y3JlZC0x');
    assert.deepEqual([live?.name, live?.publicKey, live?.removedAt], ['laptop', 'pQECAyYgASFYIA', undefined]);
    await projector.project(delivered(events));
    const view = await store.collection<PasskeyView>(COLLECTIONS.passkeys).get('alice:Y3JlZC0x');
    assert.deepEqual([view?.removedBy, view?.lastSeq, typeof view?.removedAt], ['alice', 2, 'string']);
    assert.equal((await store.collection<StoredEvent>(COLLECTIONS.events).find({ streamId: LEDGER })).length, 2);
    const audit = await store.collection<AuditEntry>(COLLECTIONS.audit).find({ actionId: LEDGER });
    assert.deepEqual(audit.map((a) => a.type).sort(), ['PasskeyRegistered', 'PasskeyRemoved']);
    assert.equal(audit.find((a) => a.type === 'PasskeyRegistered')?.action, 'countersign.passkey');
    assert.equal(JSON.stringify(audit).includes('pQECAyYgASFYIA'), false, 'the audit rows name the passkey, not its key');
    assert.equal(await store.collection(COLLECTIONS.actions).count({}), 0);
    assert.deepEqual(warnings, []);
  });
});
