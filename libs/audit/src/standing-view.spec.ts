import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, standingLedgerId, type DomainEventBody } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor } from './audit-entry.ts';
import { projectStandingBatch } from './standing-projection.ts';
import { findStanding, projectStanding, standingStatusAt, type StandingView } from './standing-view.ts';
import { memoryRows } from './testing/memory-rows.ts';
import { proposal, sealStream } from './testing/streams.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEDGER = standingLedgerId('etl');
const EXPIRES = new Date(T0 + 3600_000).toISOString();
const granted: DomainEventBody = {
  type: 'StandingApprovalGranted',
  data: {
    standingId: 's-1', sourceActionId: 'act-0', requester: { id: 'etl', kind: 'agent', onBehalfOf: 'dave', identities: [] }, action: 'data.export',
    resource: 'prod/**', when: 'params.rows <= 10000', maxUses: 2, grantedAt: new Date(T0).toISOString(), expiresAt: EXPIRES, grantedBy: ['alice'],
    rule: 'exports', policyVersion: 'pv-1', eligible: ['alice', 'bob'],
  },
};
const used = (actionId: string, use: number): DomainEventBody => ({
  type: 'StandingApprovalUsed', data: { standingId: 's-1', actionId, use, maxUses: 2, expiresAt: EXPIRES, resource: 'prod/orders', paramsHash: contentHash({ actionId }) },
});
const revoked: DomainEventBody = { type: 'StandingApprovalRevoked', data: { standingId: 's-1', revokedBy: 'bob', reason: 'job done' } };

const fold = (bodies: DomainEventBody[]) => sealStream(bodies, { streamId: LEDGER, startMs: T0 }).reduce<StandingView | undefined>(projectStanding, undefined);

describe('the standing approvals read model', () => {
  it('shows a grant with its terms, who may see it, its uses and what is left', () => {
    const view = fold([granted, used('act-1', 1)])!;
    assert.equal(view._id, 's-1');
    assert.deepEqual([view.ledgerId, view.requester, view.onBehalfOf, view.resource, view.when, view.maxUses], [LEDGER, 'etl', 'dave', 'prod/**', 'params.rows <= 10000', 2]);
    assert.deepEqual([view.uses, view.remaining, view.usedBy.map((u) => [u.actionId, u.use])], [1, 1, [['act-1', 1]]]);
    assert.deepEqual(view.visibleTo.sort(), ['alice', 'bob', 'dave', 'etl']);
    assert.equal(standingStatusAt(view, new Date(T0)), 'active');
    assert.equal(standingStatusAt(view, new Date(EXPIRES)), 'expired');
  });

  it('says exhausted once its uses are spent, revoked once revoked', () => {
    assert.equal(standingStatusAt(fold([granted, used('act-1', 1), used('act-2', 2)])!, new Date(T0)), 'exhausted');
    const view = fold([granted, revoked])!;
    assert.deepEqual(view.revoked, { by: 'bob', at: new Date(T0 + 1000).toISOString(), reason: 'job done' });
    assert.equal(standingStatusAt(view, new Date(T0)), 'revoked');
  });

  it('changes nothing on a redelivered event, and ignores uses of a grant it never saw', () => {
    const events = sealStream([granted, used('act-1', 1)], { streamId: LEDGER, startMs: T0 });
    const view = events.reduce<StandingView | undefined>(projectStanding, undefined)!;
    assert.equal(projectStanding(view, events[1]), view);
    assert.equal(projectStanding(undefined, events[1]), undefined);
  });

  it('projects a batch with an audit row per event, and skips a redelivery', async () => {
    const events = sealStream([granted, used('act-1', 1), revoked], { streamId: LEDGER, startMs: T0 });
    const batch = await projectStandingBatch(events, async () => undefined);
    assert.deepEqual(batch.entries.map((e) => [e.type, e.actionId, e.action, e.resource, e.requester]), [
      ['StandingApprovalGranted', LEDGER, 'data.export', 'prod/**', 'etl'],
      ['StandingApprovalUsed', LEDGER, 'data.export', 'prod/**', 'etl'],
      ['StandingApprovalRevoked', LEDGER, 'data.export', 'prod/**', 'etl'],
    ]);
    assert.match(batch.entries[0].summary, /^standing approval s-1 granted to etl by alice \(approving action act-0\): data\.export on prod\/\*\* where params\.rows <= 10000, up to 2 use\(s\) until /);
    assert.deepEqual(batch.entries[0].approvers, ['alice']);
    assert.equal(batch.entries[1].summary, 'standing approval s-1 used (1 of 2) to approve action act-1 on prod/orders');
    const again = await projectStandingBatch(events, async () => batch.views.get('s-1'));
    assert.deepEqual([again.entries.length, again.views.size], [0, 0]);
  });

  it('lists those a principal may see, newest first, and only active ones when asked', async () => {
    const a = fold([granted])!;
    const b = { ...fold([granted, revoked])!, _id: 's-2', grantedAt: new Date(T0 + 5000).toISOString() };
    const c = { ...a, _id: 's-3', visibleTo: ['erin'], grantedAt: new Date(T0 + 9000).toISOString() };
    const views = memoryRows<StandingView>([a, b, c]);
    const page = (q: Parameters<typeof findStanding>[1]) => findStanding(views, q, { limit: 10, maxBytes: 1e6 }, () => 1).then((p) => p.rows.map((r) => r._id));
    assert.deepEqual(await page({ viewer: 'alice', readsAll: false }), ['s-2', 's-1']);
    assert.deepEqual(await page({ viewer: 'carol', readsAll: true }), ['s-3', 's-2', 's-1']);
    assert.deepEqual(await page({ viewer: 'alice', readsAll: false, activeAt: new Date(T0) }), ['s-1']);
    assert.deepEqual(await page({ viewer: 'alice', readsAll: false, activeAt: new Date(EXPIRES) }), []);
    assert.deepEqual(await page({ viewer: 'nobody', readsAll: false }), []);
  });

  it('shows on an action the terms a voter offered, the standing approval its approval granted, and the use it was approved under', () => {
    const decision = { rule: 'exports', policyVersion: 'pv-1', paramsHash: contentHash({}) };
    const terms = { resource: 'prod/**', maxUses: 2, ttlSeconds: 600 };
    const grantRef = { id: 's-1', resource: 'prod/**', maxUses: 2, expiresAt: EXPIRES };
    const events = sealStream([
      proposal('data.export', 'etl'),
      { type: 'VoteRecorded', data: { voter: 'alice', decision: 'approve', via: 'api', standing: terms } },
      { type: 'ActionApproved', data: { ...decision, reason: 'ok', automatic: false, approvers: ['alice'], grantedStanding: grantRef } },
    ]);
    const view = events.reduce<ActionView | undefined>(projectAction, undefined)!;
    assert.deepEqual(view.votes[0].standing, terms);
    assert.deepEqual(view.decision?.grantedStanding, grantRef);
    const useRef = { id: 's-1', use: 1, maxUses: 2, expiresAt: EXPIRES, sourceActionId: 'act-0' };
    const under = sealStream([proposal('data.export', 'etl'), { type: 'ActionApproved', data: { ...decision, reason: 'under s-1', automatic: false, approvers: ['alice'], standing: useRef } }], { streamId: 'act-2' });
    const approved = under.reduce<ActionView | undefined>(projectAction, undefined)!;
    assert.deepEqual(approved.decision?.standing, useRef);
    const entry = auditEntryFor(approved, under[1]);
    assert.equal(entry.summary, 'approved under standing approval s-1 (use 1 of 2) by alice: under s-1');
    assert.deepEqual(entry.details, { standing: useRef });
  });
});
