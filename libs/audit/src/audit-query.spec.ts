import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, type DomainEventBody } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor, type AuditEntry } from './audit-entry.ts';
import { findAuditEntries, type AuditQuery } from './audit-query.ts';
import { memoryRows } from './testing/memory-rows.ts';
import { proposal, sealStream } from './testing/streams.ts';

const decision = { rule: 'r', policyVersion: 'v1', paramsHash: contentHash({}) };
const denied: DomainEventBody = { type: 'ActionDenied', data: { ...decision, reason: 'no', automatic: false, deniedBy: 'bob' } };
const approved: DomainEventBody = { type: 'ActionApproved', data: { ...decision, reason: 'fine', automatic: false, approvers: ['alice'] } };

/** The audit rows of one action proposed at `startMs`, each event a second after the previous one. */
function entries(id: string, requester: string, startMs: number, ...bodies: DomainEventBody[]): AuditEntry[] {
  let view: ActionView | undefined;
  return sealStream([proposal('data.export', requester), ...bodies], { streamId: id, startMs }).map((e) => auditEntryFor((view = projectAction(view, e)!), e));
}

const T0 = Date.UTC(2026, 0, 1);
const rows = [
  ...entries('x', 'demo-agent', T0, denied), // 00:00:00, 00:00:01
  ...entries('y', 'erin', T0 + 1000, approved), // 00:00:01, 00:00:02: ties with x's second row on `at`
];

async function ids(q: AuditQuery, limit = 100): Promise<string[]> {
  const page = await findAuditEntries(memoryRows(rows), q, { limit, maxBytes: 1e6 }, () => 1);
  return page.rows.map((e) => e._id);
}

describe('the audit query', () => {
  it('given no filter, then entries come oldest first, ties broken by id', async () => {
    assert.deepEqual(await ids({}), ['x:00000001', 'x:00000002', 'y:00000001', 'y:00000002']);
  });

  it('given a time range, then it is half-open: from included, to excluded', async () => {
    assert.deepEqual(await ids({ from: '2026-01-01T00:00:01.000Z', to: '2026-01-01T00:00:02.000Z' }), ['x:00000002', 'y:00000001']);
  });

  it('given who or what to look for, then only those entries are listed', async () => {
    assert.deepEqual(await ids({ requester: 'erin' }), ['y:00000001', 'y:00000002']);
    assert.deepEqual(await ids({ approver: 'bob' }), ['x:00000002']);
    assert.deepEqual(await ids({ outcome: 'approved' }), ['y:00000002']);
    assert.deepEqual(await ids({ type: 'ActionProposed', action: 'data.export' }), ['x:00000001', 'y:00000001']);
  });

  it('given a page that ends on a tie, then the next page continues after it without a gap or a repeat', async () => {
    const store = memoryRows(rows);
    const first = await findAuditEntries(store, {}, { limit: 2, maxBytes: 1e6 }, () => 1);
    const second = await findAuditEntries(store, {}, { limit: 2, maxBytes: 1e6, after: first.next }, () => 1);
    assert.deepEqual([...first.rows, ...second.rows].map((e) => e._id), await ids({}));
  });
});
