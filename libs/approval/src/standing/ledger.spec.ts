import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { standingApprovalId } from '@countersign/contracts';
import { agent7, directory, secondsAfter, T0 } from '../testing/fixtures.ts';
import { EXPIRES, grant, ledger, revoke, STANDING, use } from '../testing/ledger.ts';
import { standingStatus } from './ledger.ts';

const used = (drafts: ReturnType<ReturnType<typeof ledger>['when']>['drafts']) =>
  drafts.map((d) => (d.type === 'StandingApprovalUsed' ? [d.data.standingId, d.data.actionId, d.data.use] : d.type));

describe('a requester ledger of standing approvals', () => {
  it('given a grant, when a matching proposal asks, then a use is counted for it', () => {
    const outcome = ledger(grant()).when(use('act-2'));
    assert.deepEqual(used(outcome.drafts), [[STANDING, 'act-2', 1]]);
    const [d] = outcome.drafts;
    assert.ok(d.type === 'StandingApprovalUsed');
    assert.deepEqual({ maxUses: d.data.maxUses, expiresAt: d.data.expiresAt, resource: d.data.resource }, { maxUses: 2, expiresAt: EXPIRES.toISOString(), resource: 'db/customers' });
    assert.equal(outcome.state.approvals[STANDING].uses, 1);
  });

  it('given its uses spent, when another proposal asks, then nothing is counted', () => {
    const spent = ledger(grant(), use('act-2'), use('act-3'));
    assert.equal(spent.state.approvals[STANDING].uses, 2);
    spent.when(use('act-4')).then([]);
    assert.equal(standingStatus(spent.state.approvals[STANDING], T0), 'exhausted');
  });

  it('given its expiry, when a proposal asks at or after it, then nothing is counted; a second before, it is', () => {
    const given = ledger(grant());
    given.when(use('act-2'), EXPIRES).then([]);
    given.when(use('act-2'), secondsAfter(EXPIRES, 60)).then([]);
    given.when(use('act-2'), secondsAfter(EXPIRES, -1)).then(['StandingApprovalUsed']);
  });

  it('given a revocation, when a proposal asks, then nothing is counted', () => {
    ledger(grant(), revoke('alice')).when(use('act-2')).then([]);
  });

  it('given a proposal on another action, resource or rule, or by someone else, then nothing is counted', () => {
    const given = ledger(grant());
    given.when(use('act-2', { action: 'data.delete' })).then([]);
    given.when(use('act-2', { resource: 'files/customers' })).then([]);
    given.when(use('act-2', { rule: 'huge-exports' })).then([]);
    // Another requester's proposal goes to another ledger, where this grant is not.
    ledger(grant()).when(use('act-2', {}, agent7)).then([]);
  });

  it('given a condition, then only proposals it holds for are counted; one that cannot be evaluated never is (fail closed)', () => {
    ledger(grant({ when: 'params.rows <= 500' })).when(use('act-2')).then([]);
    ledger(grant({ when: 'params.rows <= 5000' })).when(use('act-2')).then(['StandingApprovalUsed']);
    ledger(grant({ when: 'fail' })).when(use('act-2')).then([]);
  });

  it('given grantors who are no longer eligible, or fewer than the quorum now asked, then nothing is counted (rules 2 and 3)', () => {
    ledger(grant()).when(use('act-2', { eligible: ['bob', 'erin'] })).then([]);
    ledger(grant()).when(use('act-2', { quorum: 2 })).then([]);
    ledger(grant({ grantedBy: ['alice', 'bob'] })).when(use('act-2', { quorum: 2 })).then(['StandingApprovalUsed']);
    const distinct = { quorum: 2, distinctGroups: true, eligibleGroups: { alice: ['sre'], bob: ['sre'], erin: ['security'] } };
    ledger(grant({ grantedBy: ['alice', 'bob'] })).when(use('act-2', distinct)).then([]);
    ledger(grant({ grantedBy: ['alice', 'erin'] })).when(use('act-2', distinct)).then(['StandingApprovalUsed']);
  });

  it('given a grantor the requester acts for or shares an identity with, then nothing is counted (rule 2)', () => {
    const forDave = { ...agent7 };
    ledger(grant({ requester: forDave, grantedBy: ['dave'] }))
      .when(use('act-2', { eligible: ['dave'], eligibleGroups: { dave: ['sre'] } }, forDave))
      .then([]);
    const linked = { ...agent7, onBehalfOf: undefined, identities: ['slack:UALICE', 'alice'] };
    // A grant recorded for the agent, whose linked identities name a grantor by the time of the proposal.
    const given = ledger(grant({ requester: { id: 'agent-7', kind: 'agent', identities: [] } }));
    given.when(use('act-2', {}, linked)).then([]);
  });

  it('given a use already counted for an action, when it is asked again, then it is not counted twice', () => {
    ledger(grant({ maxUses: 5 }), use('act-2')).when(use('act-2')).then([]);
  });

  it('given two standing approvals that cover a proposal, then the one expiring first is used', () => {
    const later = standingApprovalId('act-later');
    const given = ledger(grant({ standingId: later, sourceActionId: 'act-later', expiresAt: secondsAfter(T0, 7200).toISOString() }), grant());
    assert.deepEqual(used(given.when(use('act-2')).drafts), [[STANDING, 'act-2', 1]]);
  });

  it('given a proposal past its own deadline, then nothing is counted', () => {
    ledger(grant()).when(use('act-2', { deadline: T0.toISOString() })).then([]);
  });

  it('records a grant once, only in its requester ledger, and never one already expired', () => {
    ledger(grant()).when(grant()).then([]);
    ledger().when(grant({ requester: agent7 })).then([]);
    ledger().when(grant(), EXPIRES).then([]);
    ledger().when(grant({ grantedBy: [] })).then([]);
  });

  it('lets a grantor, an eligible approver of the source action or an admin revoke, once; nobody else', () => {
    ledger(grant()).when(revoke('alice', STANDING, ' done ')).then(['StandingApprovalRevoked']);
    ledger(grant()).when(revoke('erin')).then(['StandingApprovalRevoked']);
    const admins = { principals: { ...directory.principals, ada: { kind: 'human' as const, groups: [], readsAll: true, admin: true } } };
    ledger(grant()).when(revoke('ada'), T0, { directory: admins }).then(['StandingApprovalRevoked']);
    const auditors = { principals: { ...directory.principals, cora: { kind: 'human' as const, groups: [], readsAll: true } } };
    ledger(grant()).when(revoke('cora'), T0, { directory: auditors }).then([]);
    ledger(grant()).when(revoke('rita')).then([]);
    ledger(grant()).when(revoke('zed')).then([]);
    ledger(grant(), revoke('alice')).when(revoke('bob')).then([]);
    ledger(grant()).when(revoke('alice'), EXPIRES).then([]);
    ledger(grant()).when(revoke('alice', 'nope')).then([]);
  });

  it('records the revocation reason trimmed, and who revoked', () => {
    const [d] = ledger(grant()).when(revoke('alice', STANDING, '  the export job is done  ')).drafts;
    assert.ok(d.type === 'StandingApprovalRevoked');
    assert.deepEqual(d.data, { standingId: STANDING, revokedBy: 'alice', reason: 'the export job is done' });
    assert.deepEqual(d.actor, { id: 'alice', kind: 'human' });
  });

  it('forgets a standing approval once an event comes after its expiry', () => {
    const other = standingApprovalId('act-other');
    const given = ledger(grant({ expiresAt: secondsAfter(T0, 60).toISOString() }));
    const after = given.when(grant({ standingId: other, sourceActionId: 'act-other', expiresAt: secondsAfter(T0, 7200).toISOString() }), secondsAfter(T0, 120));
    assert.deepEqual(Object.keys(after.state.approvals), [other]);
  });
});
