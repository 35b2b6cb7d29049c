import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { standingApprovalId, standingLedgerId } from '@countersign/contracts';
import { ACTION_ID, PARAMS, PARAMS_HASH, propose, proposePublish, rita, requireApproval, T0, vote } from '../testing/fixtures.ts';
import { given } from '../testing/given.ts';
import { grant, ledger, SOURCE, STANDING, use } from '../testing/ledger.ts';
import { standingFollowUps } from './follow-ups.ts';

const ALLOWS = { standing: { maxTtlSeconds: 3600, maxUses: 10 } };
const TERMS = { resource: 'db/**', maxUses: 3, ttlSeconds: 600 };
/** Who may approve under the default requirement: the sre group but the requester. */
const SRE = ['alice', 'bob', 'dave', 'erin', 'rita-admin'];

describe('the commands standing approvals send between streams', () => {
  it('given an action now pending under a rule that allows standing approvals, then its requester ledger is asked about it', () => {
    const { state, events } = given(propose(), requireApproval(ALLOWS));
    const [followUp, ...rest] = standingFollowUps(events, state);
    assert.equal(rest.length, 0);
    assert.equal(followUp.type, 'UseStandingApproval');
    assert.equal(followUp.key, standingLedgerId('rita'));
    assert.equal(followUp.correlationId, ACTION_ID);
    assert.deepEqual(followUp.data, {
      actionId: ACTION_ID, requester: rita, action: 'data.export', resource: 'db/customers', params: PARAMS, paramsHash: PARAMS_HASH, rule: 'exports',
      quorum: 1, distinctGroups: false, eligible: SRE, eligibleGroups: Object.fromEntries(SRE.map((p) => [p, ['sre']])),
      deadline: new Date(T0.getTime() + 3600_000).toISOString(),
    });
  });

  it('given a rule without standing approvals, or a policy change, then nobody is asked', () => {
    const plain = given(propose(), requireApproval());
    assert.deepEqual(standingFollowUps(plain.events, plain.state), []);
    const publish = given(proposePublish(), requireApproval(ALLOWS));
    assert.deepEqual(standingFollowUps(publish.events, publish.state), []);
  });

  it('given an approval that grants a standing approval, then the requester ledger is told to record it', () => {
    const pending = given(propose(), requireApproval(ALLOWS));
    const approved = pending.when(vote('alice', 'approve', { standing: TERMS }));
    const follow = standingFollowUps(approved.events.slice(pending.events.length), approved.state);
    assert.equal(follow.length, 1);
    const [grantIt] = follow;
    assert.ok(grantIt.type === 'GrantStandingApproval');
    assert.equal(grantIt.key, standingLedgerId('rita'));
    assert.deepEqual(grantIt.data, {
      standingId: standingApprovalId(ACTION_ID), sourceActionId: ACTION_ID, requester: rita, action: 'data.export', resource: 'db/**', maxUses: 3,
      grantedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 600_000).toISOString(), grantedBy: ['alice'], rule: 'exports',
      policyVersion: 'pv-1', eligible: SRE,
    });
    const plain = pending.when(vote('alice'));
    assert.deepEqual(standingFollowUps(plain.events.slice(pending.events.length), plain.state), []);
  });

  it('given a use counted in a ledger, then the action is told to approve under it, with the grantors and the rule', () => {
    const before = ledger(grant());
    const after = before.when(use('act-2'));
    const [approve] = standingFollowUps(after.events.slice(before.events.length), after.state);
    assert.deepEqual(approve, {
      type: 'ApproveUnderStanding', key: 'act-2', correlationId: 'act-2',
      data: { id: STANDING, use: 1, maxUses: 2, expiresAt: new Date(T0.getTime() + 3600_000).toISOString(), sourceActionId: SOURCE, grantedBy: ['alice'], rule: 'exports', paramsHash: PARAMS_HASH },
    });
    assert.deepEqual(standingFollowUps(before.events, before.state), []);
  });
});
